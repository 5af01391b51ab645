"""Accounts and access: password hashing, bearer tokens, login lock-out, per-client rate limits.

Pure Python plus bcrypt: no Qt, no database. ``AccountService`` keeps the accounts in memory (authoritative)
and hands every change to a ``persist`` callback that the composition root wires to the storage thread.
"""
