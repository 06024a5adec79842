"""Fan-out cost: a broadcast is decoded once per server process (backend/core/channel_layer.py) and
encoded once per message, not once per client (media_ingest/review/consumers.py)."""
from __future__ import annotations

import json

from channels_redis.pubsub import RedisPubSubChannelLayer

from backend.core.channel_layer import DECODED_KEPT, SharedDecodePubSubLayer
from media_ingest.review import consumers

EVENT = {"type": "broadcast", "message": {"type": "tag.created", "clip_id": 7,
                                          "tag": {"id": 1, "note": "Cán bộ vắng mặt", "start_s": 1.5}}}


def test_the_bytes_one_publish_delivers_decode_once_for_all_consumers() -> None:
    layer = SharedDecodePubSubLayer(hosts=["redis://127.0.0.1:6379/0"])
    raw = layer.serialize(EVENT)
    first, second = layer.deserialize(raw), layer.deserialize(raw)
    assert first == EVENT and first is second  # one dict for every consumer of this message
    # channels_redis' own layer decodes again for each consumer
    plain = RedisPubSubChannelLayer(hosts=["redis://127.0.0.1:6379/0"])
    assert plain.deserialize(raw) is not plain.deserialize(raw)


def test_another_message_with_the_same_content_is_decoded_afresh_and_the_cache_is_bounded() -> None:
    layer = SharedDecodePubSubLayer(hosts=["redis://127.0.0.1:6379/0"])
    raw = layer.serialize(EVENT)
    first = layer.deserialize(raw)
    again = layer.deserialize(bytes(bytearray(raw)))  # a second publish of equal bytes
    assert again == first and again is not first
    kept = [layer.serialize({"type": "broadcast", "n": n}) for n in range(3 * DECODED_KEPT)]
    for message in kept:
        layer.deserialize(message)
    assert len(layer._decoded) == DECODED_KEPT


def test_a_message_object_is_encoded_once_and_sent_as_send_json_would() -> None:
    message = {"type": "tag.created", "clip_id": 7, "tag": {"note": "Cán bộ vắng mặt"}}
    encoded = consumers._encoded(message)
    assert consumers._encoded(message) is encoded  # the next consumer of the same object
    assert encoded.text == json.dumps(message)  # channels' encode_json
    assert encoded.text is encoded.text
    other = dict(message)
    assert consumers._encoded(other) is not encoded  # an equal copy is another message
    assert consumers._encoded(other).digest == encoded.digest  # and deduplicates as the same event
