from __future__ import annotations

import hashlib

from calkeep.accounts import token_format


def test_new_tokens_have_the_prefix_length_and_a_valid_checksum() -> None:
    tokens = {token_format.new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert token.startswith("ck_live_")
        assert len(token) == token_format.TOKEN_LENGTH == 44
        assert token_format.is_well_formed(token)


def test_a_mistyped_token_fails_the_checksum() -> None:
    token = token_format.new_token()
    position = len("ck_live_") + 5
    replacement = "a" if token[position] != "a" else "b"
    typo = token[:position] + replacement + token[position + 1 :]
    assert not token_format.is_well_formed(typo)


def test_truncated_foreign_and_non_ascii_tokens_are_not_well_formed() -> None:
    token = token_format.new_token()
    assert not token_format.is_well_formed(token[:-1])
    assert not token_format.is_well_formed("ghp_" + token[8:])
    assert not token_format.is_well_formed(token[:-1] + "é")
    assert not token_format.is_well_formed("")


def test_checksum_is_crc32_in_six_base62_digits() -> None:
    assert token_format.base62(0, 6) == "000000"
    assert token_format.base62(61, 6) == "00000Z"
    assert token_format.base62(62, 6) == "000010"
    assert token_format.base62(2**32 - 1, 6) == "4GFfc3"


def test_only_a_sha256_is_stored_and_the_hint_hides_the_middle() -> None:
    token = token_format.new_token()
    assert token_format.hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    hint = token_format.token_hint(token)
    assert hint.startswith(token[:12]) and hint.endswith(token[-4:])
    assert token[12:-4] not in hint
