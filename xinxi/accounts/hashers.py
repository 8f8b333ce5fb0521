"""The password hasher: Argon2id at the parameters OWASP gives as its baseline.

Django's own Argon2 parameters (100 MiB of memory, 8 lanes, 2 passes) cost ≈ 0.27 s of
CPU per sign-in on our two-core servers, so the morning's sign-ins (a hundred people
within a minute or two) fill the cores. The OWASP Password Storage Cheat Sheet's
baseline for Argon2id — 19 MiB of memory, 2 passes, 1 lane — costs ≈ 0.05 s and is
still memory-hard; sign-in is also locked after repeated failures
(``accounts.services.login_check``). A password stored with other parameters is re-hashed with these
at its next successful sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class XinxiArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
