"""Who the signed-in user is in the organisation of the URL, and whether they hold one right
there: one SQL statement instead of the membership lookup plus guardian's has_perm.

Every organisation view asks this (organisations.decorators.organisation_view), the audio gate
for every byte range the player fetches, so its cost is what the listener waits for at every
seek (issue 18). It answers exactly what `user.has_perm("organisations.<codename>", org)` does
with the backends in settings (ModelBackend grants nothing on an object; guardian):

- an inactive user holds nothing; an active superuser holds everything (Earshot makes none:
  organisations.installation; `createsuperuser` still could);
- otherwise the user's own object permission (guardian's direct table for Organisation,
  OrganisationUserObjectPermission), or one of their groups' (guardian's generic
  GroupObjectPermission: Earshot assigns none, but guardian would honour one).

The membership is the active one of this user in the organisation with this slug (one per user
and organisation); none is None, which the decorator answers with 404.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from guardian.models import GroupObjectPermission

from organisations.models import Membership, Organisation, OrganisationUserObjectPermission


def _fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _sql() -> str:
    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(alias: str, name: str) -> str:
        return f"{alias}.{connection.ops.quote_name(name)}"

    user_groups = table(get_user_model().groups.through)
    selected = ", ".join(
        [column("m", name) for name in _fields(Membership)]
        + [column("o", name) for name in _fields(Organisation)]
    )
    # auth_permission joined to its content type by name: no ids cached across databases.
    permission = f"""
      SELECT p.id FROM {table(Permission)} p
      JOIN {table(ContentType)} ct ON ct.id = p.content_type_id
      WHERE ct.app_label = %(app_label)s AND ct.model = %(model)s
        AND p.codename = %(codename)s"""  # noqa: S608 (as below)
    return f"""
SELECT {selected},
  EXISTS (
    SELECT 1 FROM {table(OrganisationUserObjectPermission)} up
    WHERE up.user_id = m.user_id AND up.content_object_id = o.id
      AND up.permission_id IN ({permission})
  ) OR EXISTS (
    SELECT 1 FROM {table(GroupObjectPermission)} gp
    JOIN {user_groups} ug ON ug.group_id = gp.group_id
    WHERE ug.user_id = m.user_id AND gp.content_type_id IN (
        SELECT ct.id FROM {table(ContentType)} ct
        WHERE ct.app_label = %(app_label)s AND ct.model = %(model)s)
      AND gp.object_pk = CAST(o.id AS varchar(255))
      AND gp.permission_id IN ({permission})
  ) AS granted
FROM {table(Membership)} m JOIN {table(Organisation)} o ON o.id = m.organisation_id
WHERE m.user_id = %(user)s AND m.active AND o.slug = %(slug)s
"""  # noqa: S608 (table and column names from the models, every value a parameter)


@functools.cache
def _readers(model) -> tuple[list[str], list[list]]:
    """The model's column names and, per column, the database converters the ORM would apply
    (SQLite hands back dates as text and booleans as 0/1)."""
    names, converters = [], []
    for field in model._meta.concrete_fields:
        col = field.get_col(model._meta.db_table)
        names.append(field.attname)
        converters.append(connection.ops.get_db_converters(col) + col.get_db_converters(connection))
    return names, converters


def _instance(model, values):
    names, converters = _readers(model)
    converted = []
    for value, (column_converters, field) in zip(
        values, zip(converters, model._meta.concrete_fields, strict=True), strict=True
    ):
        for converter in column_converters:
            value = converter(value, field.get_col(model._meta.db_table), connection)
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


def membership_with_permission(
    *, user: AbstractBaseUser, slug: str, codename: str
) -> tuple[Membership | None, bool]:
    """(the user's active membership of the organisation `slug` with its organisation loaded,
    whether the user holds organisations.<codename> on that organisation); (None, False) for a
    user who is no active member there."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(),
            {
                "user": user.pk,
                "slug": slug,
                "codename": codename,
                "app_label": Organisation._meta.app_label,
                "model": Organisation._meta.model_name,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None, False
    split = len(Membership._meta.concrete_fields)
    membership = _instance(Membership, row[:split])
    organisation = _instance(Organisation, row[split:-1])
    Membership.organisation.field.set_cached_value(membership, organisation)
    # As User.has_perm and guardian decide before looking at any permission row.
    if not user.is_active:
        return membership, False
    return membership, bool(user.is_superuser or row[-1])
