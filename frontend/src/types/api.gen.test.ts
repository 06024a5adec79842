import { committedAndGenerated } from "../../gentypes.mjs";

describe("the generated API types", () => {
  it("are what openapi-typescript writes from the committed schema (run `make schema` after an API change)", async () => {
    const { committed, generated } = await committedAndGenerated();
    expect(committed).toBe(generated);
  });
});
