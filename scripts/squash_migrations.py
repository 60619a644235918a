"""Squash an app's migrations into one that a new database applies instead of the chain.

    EARSHOT_DEBUG=1 .venv/bin/python scripts/squash_migrations.py APP UPTO [APP UPTO ...]

writes APP/migrations/0001_squashed_<UPTO's name>.py (UPTO: a migration's number, e.g. 0008).

Why not `manage.py squashmigrations`: migrating spends its time re-rendering the models after
every operation (about 0.1 s each), so what counts is how few operations remain, and Django's
optimizer leaves most AddIndex/AddConstraint/AddField operations where they were (it cannot
move them past a CreateModel of another model, nor past a RunPython). Here the squash is built
from the state the chain ends in: one CreateModel per model with its fields, indexes and
constraints, in the order the chain created the models; a field whose model is created later
(a cycle) and every field after it become AddField operations as soon as it can exist, so each
table gets its columns in the order a step-by-step migrated database has them.

RunPython operations: an elidable one fills rows of an existing database (a database that
applies the squash has none) and is left out; the others install triggers and run at the end,
on the finished tables. Their functions stay in the replaced migrations, loaded with
import_module (a module name that starts with a digit cannot be imported with `import`): move
them into the squash before deleting a chain.

The squash keeps `replaces`: a database that has applied part of the chain goes on with the
original migrations, and a new migration that depends on one of them works either way.
"""

import os
import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earshot.settings")


def squash(app_label: str, upto: str) -> Path:
    from django.conf import settings
    from django.db import connection, migrations
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.migration import SwappableTuple
    from django.db.migrations.writer import MigrationWriter

    loader = MigrationLoader(connection, replace_migrations=False)
    last = loader.get_migration_by_prefix(app_label, upto)
    chain = [
        loader.disk_migrations[key]
        for key in loader.graph.forwards_plan((app_label, last.name))
        if key[0] == app_label
    ]
    if any(migration.replaces for migration in chain):
        raise SystemExit(f"{app_label}: the chain holds a squash already; squash from after it")

    # What the final state says all of: anything else (a rename, a removed model, RunSQL
    # that is no trigger) needs a look by hand.
    squashable = (
        migrations.AddField,
        migrations.AlterField,
        migrations.AddIndex,
        migrations.RemoveIndex,
        migrations.AddConstraint,
        migrations.RemoveConstraint,
        migrations.AlterModelOptions,
    )
    created, late, dependencies = [], [], set()
    for migration in chain:
        for operation in migration.operations:
            if isinstance(operation, migrations.CreateModel):
                created.append(operation.name_lower)
            elif isinstance(operation, migrations.RunPython | migrations.RunSQL):
                if not operation.elidable:
                    late.append(operation)
            elif not isinstance(operation, squashable):
                raise SystemExit(f"{app_label}: {operation.describe()} needs a hand-made squash")
        for dependency in migration.dependencies:
            if isinstance(dependency, SwappableTuple):
                # Written as migrations.swappable_dependency(settings.AUTH_USER_MODEL).
                swappable = dependency.setting == settings.AUTH_USER_MODEL
                dependencies.add(("__setting__", "AUTH_USER_MODEL") if swappable else dependency)
            elif dependency[0] != app_label:
                dependencies.add(dependency)

    final = loader.project_state((app_label, last.name), at_end=True)
    operations = create_operations(final, app_label, created) + late
    migration = type(
        "Migration",
        (migrations.Migration,),
        {
            "dependencies": sorted(dependencies),
            "operations": operations,
            "replaces": [(app_label, migration.name) for migration in chain],
            "initial": True,
        },
    )(f"0001_squashed_{last.name}", app_label)
    writer = MigrationWriter(migration, include_header=False)
    source = writer.as_string()
    # RunPython functions of the replaced migrations, referred to through import_module.
    modules = sorted(set(re.findall(r"\b(\w+\.migrations\.(\d{4})\w*)\.\w+", source)))
    for module, number in modules:
        source = source.replace(f"import {module}\n", "")
        source = source.replace(f"{module}.", f"_{number}.")
    if modules:
        loads = "".join(f'_{number} = import_module("{module}")\n' for module, number in modules)
        imports = "from importlib import import_module\n\nfrom django.db import"
        source = source.replace("from django.db import", imports, 1)
        source = source.replace("\n\nclass Migration", f"\n\n{loads}\n\nclass Migration", 1)
    header = (
        f"# Made by scripts/squash_migrations.py for new databases: {len(operations)} operations"
        f" instead of {sum(len(m.operations) for m in chain)}.\n"
    )
    path = Path(writer.path)
    path.write_text(header + source)
    return path


def create_operations(final, app_label: str, created: list[str]) -> list:
    """CreateModel per model in `created` order; AddField/AddIndex/AddConstraint only for
    fields whose related model (of this app) is created after theirs."""
    from django.db import migrations

    models = {name: final.models[app_label, name] for name in created}
    operations, done, waiting = [], set(), {}  # waiting: model -> fields still to add

    def target(field) -> str | None:
        # The model of this app a relation needs before it can be added, if any.
        remote = getattr(field, "remote_field", None)
        if remote is None:
            return None
        label, _, name = str(remote.model).lower().rpartition(".")
        return name if label in ("", app_label) else None

    def ready(name: str, field) -> bool:
        return target(field) in (None, name) or target(field) in done

    def meta(state, with_indexes: bool) -> dict:
        options = dict(state.options)
        if not with_indexes:
            options.pop("indexes", None)
            options.pop("constraints", None)
        return options

    def release() -> None:
        # Fields that waited for a model now created, in their column order.
        for name, fields in list(waiting.items()):
            while fields and ready(name, fields[0][1]):
                field_name, field = fields.pop(0)
                operations.append(
                    migrations.AddField(model_name=name, name=field_name, field=field)
                )
            if not fields:
                del waiting[name]
                state = models[name]
                operations.extend(
                    migrations.AddIndex(model_name=name, index=index)
                    for index in state.options.get("indexes", [])
                )
                operations.extend(
                    migrations.AddConstraint(model_name=name, constraint=constraint)
                    for constraint in state.options.get("constraints", [])
                )

    for name in created:
        state = models[name]
        now, later = [], []
        for field_name, field in state.fields.items():
            if later or not ready(name, field):
                later.append((field_name, field))  # and every field after it, in order
            else:
                now.append((field_name, field))
        if later and set(state.options) & {"unique_together", "index_together"}:
            raise SystemExit(f"{app_label}.{name}: *_together on a late field: squash by hand")
        operations.append(
            migrations.CreateModel(
                name=state.name,
                fields=now,
                options=meta(state, with_indexes=not later),
                bases=state.bases,
                managers=state.managers,
            )
        )
        done.add(name)
        if later:
            waiting[name] = later
        release()
    if waiting:
        raise SystemExit(f"{app_label}: fields wait for models never created: {waiting}")
    return operations


def main(argv: list[str]) -> None:
    if not argv or len(argv) % 2:
        raise SystemExit(__doc__)
    import django

    django.setup()
    for app_label, upto in zip(argv[::2], argv[1::2], strict=True):
        print(squash(app_label, upto))


if __name__ == "__main__":
    main(sys.argv[1:])
