"""API tokens (a crew's phone app), read with the memberships every staff answer needs.

DRF's TokenAuthentication reads the token and its user; the staff APIs then read the user's
memberships (districts.selectors.memberships). Here both come from one statement, written once from
the models' own columns and never compiled again, and the memberships are put where `memberships()`
finds them."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import Agency, Membership
from .selectors import MEMBERSHIP_ROWS


def _columns(model, alias: str) -> tuple[list[str], str]:
    fields = [field.attname for field in model._meta.concrete_fields]
    quote = connection.ops.quote_name
    columns = [f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields]
    return fields, ", ".join(columns)


def _statement() -> tuple[str, list, list, list]:
    user_model = get_user_model()
    user_fields, user_columns = _columns(user_model, "u")
    membership_fields, membership_columns = _columns(Membership, "m")
    agency_fields, agency_columns = _columns(Agency, "a")
    sql = (
        f"SELECT {user_columns}, {membership_columns}, {agency_columns} "  # noqa: S608 (the models' own names)
        f"FROM {Token._meta.db_table} t JOIN {user_model._meta.db_table} u ON u.id = t.user_id "
        f"LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id "
        f"LEFT JOIN {Agency._meta.db_table} a ON a.id = m.agency_id "
        "WHERE t.key = %s ORDER BY m.id"
    )
    return sql, user_fields, membership_fields, agency_fields


_STATEMENT = None


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, with the user's memberships read in the same statement."""

    def authenticate_credentials(self, key):
        global _STATEMENT
        if _STATEMENT is None:
            _STATEMENT = _statement()
        sql, user_fields, membership_fields, agency_fields = _STATEMENT
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            rows = cursor.fetchall()
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        db = connection.alias
        first, second = len(user_fields), len(user_fields) + len(membership_fields)
        user = get_user_model().from_db(db, user_fields, rows[0][:first])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        found = []
        for row in rows:
            if row[first] is None:  # no membership
                continue
            membership = Membership.from_db(db, membership_fields, row[first:second])
            membership.user = user
            if membership.agency_id is not None:
                membership.agency = Agency.from_db(db, agency_fields, row[second:])
            found.append(membership)
        setattr(user, MEMBERSHIP_ROWS, found)  # districts.selectors.memberships reads them from here
        return user, Token(key=key, user=user)
