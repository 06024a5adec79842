// Mirrors inspection/home.py HomeOutputSerializer (GET /api/home/).
export interface HomeRow {
  title: string;
  detail: string;
  link: string;
  date: string | null;
  tone: string;
}

export interface HomeCard {
  key: string;
  count: number;
  link: string;
  tone: "neutral" | "blue" | "green" | "amber" | "red";
  rows: HomeRow[];
}

export interface Home {
  role: string;
  today: string;
  cards: HomeCard[];
}
