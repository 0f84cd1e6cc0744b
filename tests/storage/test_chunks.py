"""Ids go into ``IN (...)`` a chunk at a time: every id once, in order, none too many."""

from __future__ import annotations

from study.storage.chunks import IN_CHUNK, chunks


def test_ids_are_split_into_chunks_of_at_most_500_in_order() -> None:
    ids = [f"c{i}" for i in range(1_234)]
    split = list(chunks(ids))
    assert [len(chunk) for chunk in split] == [IN_CHUNK, IN_CHUNK, 234] and IN_CHUNK == 500
    assert [i for chunk in split for i in chunk] == ids
    assert list(chunks([])) == []
