"""Roles: reader < checker < admin; reading needs a reader, writing a checker, deleting an admin."""
from __future__ import annotations

from api.domain.roles import ROLES, default_role_for, role_allows


def test_each_role_allows_what_the_roles_below_it_allow():
    assert ROLES == ("reader", "checker", "admin")
    assert role_allows("admin", "checker") and role_allows("checker", "checker")
    assert not role_allows("reader", "checker")
    assert not role_allows("nobody", "reader")


def test_the_method_decides_the_default_role():
    assert [default_role_for(m) for m in ("GET", "HEAD", "OPTIONS")] == ["reader"] * 3
    assert [default_role_for(m) for m in ("POST", "PATCH", "PUT")] == ["checker"] * 3
    assert default_role_for("DELETE") == "admin"
