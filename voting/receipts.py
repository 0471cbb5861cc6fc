"""Receipt codes: what a voter keeps to check that their ballot paper is in the count
(and, on a secret ballot, to change it). Only a hash is stored, on the Choice; the code
itself is the voter's. A code may come from the client (the page renders one into the
form, a phone makes its own) so a retried cast still knows it; otherwise one is made.
"""

import hashlib
import secrets

# No 0/O, 1/I/L: read aloud, copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12  # 31^12 ≈ 2^59


def new_receipt() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(code: str) -> str | None:
    """The code's canonical form (XXXX-XXXX-XXXX), or None if it is not one."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
