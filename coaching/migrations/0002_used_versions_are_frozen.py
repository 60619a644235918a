"""The database itself refuses to change a QM form version an evaluation has used.

The models refuse it too (coaching.models.FormVersionInUse); the trigger also stops a
queryset update(), a bulk delete or a hand-written UPDATE from rewriting what an evaluation was
scored against. Deleting the evaluations first (an organisation removed as a whole) lifts it.
"""

from django.db import migrations


PG_FORWARD = """
CREATE OR REPLACE FUNCTION coaching_refuse_used_version_change() RETURNS trigger AS $$
DECLARE
    row_version bigint;
    section bigint;
BEGIN
    IF TG_TABLE_NAME = 'coaching_criterion' THEN
        section := CASE WHEN TG_OP = 'INSERT' THEN NEW.section_id ELSE OLD.section_id END;
        SELECT version_id INTO row_version FROM coaching_formsection WHERE id = section;
    ELSE
        row_version := CASE WHEN TG_OP = 'INSERT' THEN NEW.version_id ELSE OLD.version_id END;
    END IF;
    IF EXISTS (SELECT 1 FROM coaching_evaluation WHERE form_version_id = row_version) THEN
        RAISE EXCEPTION 'QM form version % is used by evaluations: % refused', row_version, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER coaching_section_frozen BEFORE INSERT OR UPDATE OR DELETE ON coaching_formsection
    FOR EACH ROW EXECUTE FUNCTION coaching_refuse_used_version_change();
CREATE TRIGGER coaching_criterion_frozen BEFORE INSERT OR UPDATE OR DELETE ON coaching_criterion
    FOR EACH ROW EXECUTE FUNCTION coaching_refuse_used_version_change();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS coaching_section_frozen ON coaching_formsection;
DROP TRIGGER IF EXISTS coaching_criterion_frozen ON coaching_criterion;
DROP FUNCTION IF EXISTS coaching_refuse_used_version_change();
"""
_SECTION_USED = (
    "EXISTS (SELECT 1 FROM coaching_evaluation WHERE form_version_id = {row}.version_id)"
)
_CRITERION_USED = (
    "EXISTS (SELECT 1 FROM coaching_evaluation e JOIN coaching_formsection s"
    " ON e.form_version_id = s.version_id WHERE s.id = {row}.section_id)"
)
SQLITE_FORWARD = [
    f"""CREATE TRIGGER coaching_{name}_frozen_{op.lower()} BEFORE {op} ON {table}
        WHEN {used.format(row=row)}
        BEGIN SELECT RAISE(ABORT, 'QM form version is used by evaluations: {op} refused'); END;"""
    for name, table, used in (
        ("section", "coaching_formsection", _SECTION_USED),
        ("criterion", "coaching_criterion", _CRITERION_USED),
    )
    for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS coaching_{name}_frozen_{op};"
    for name in ("section", "criterion")
    for op in ("insert", "update", "delete")
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"Earshot has no frozen-version trigger for {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [PG_BACKWARD] if vendor == "postgresql" else SQLITE_BACKWARD
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
