"""The `calkeep` command: set-up, server, worker, and the scripting surface of PRODUCT.md.
Each subcommand translates its arguments and calls the same functions as the pages."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREADABLE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_FAILED
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calkeep.settings")
    import django

    django.setup()
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="calkeep", description="CalKeep Contacts")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    init = commands.add_parser("init", help="migrate and create the demo workspace (idempotent)")
    init.set_defaults(handler=cmd_init)

    run = commands.add_parser("run", help="init, then serve the web app and run the task worker")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.set_defaults(handler=cmd_run)

    worker = commands.add_parser("worker", help="run the background task worker")
    worker.set_defaults(handler=cmd_worker)

    imp = commands.add_parser("import", help="import a contact file (see PRODUCT.md)")
    imp.add_argument("path", type=Path)
    imp.add_argument("--workspace", required=True, metavar="SLUG")
    imp.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
    imp.add_argument("--strategy", default="skip", choices=["skip", "merge", "overwrite"])
    imp.add_argument(
        "--format", default="auto",
        choices=["auto", "google_csv", "outlook_csv", "icloud_csv", "vcard", "generic_csv"],
    )  # fmt: skip
    imp.add_argument("--mapping", type=Path, metavar="FILE.json", help="generic CSV column mapping")
    imp.add_argument("--region", metavar="CC", help="country for numbers without a country code")
    imp.add_argument("--user", metavar="EMAIL", help="import as this member (default: an admin)")
    imp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    imp.set_defaults(handler=cmd_import)

    exp = commands.add_parser("export", help="export contacts as CSV or vCard (see PRODUCT.md)")
    exp.add_argument("--workspace", required=True, metavar="SLUG")
    exp.add_argument("--format", required=True, choices=["csv", "vcard"])
    exp.add_argument(
        "--version",
        choices=["4.0", "3.0"],
        dest="vcard_version",
        help="vCard version (default 4.0)",
    )
    exp.add_argument(
        "-o", "--output", type=Path, metavar="PATH", help="file to write (default: stdout)"
    )
    exp.add_argument("--user", metavar="EMAIL", help="export as this member (default: an admin)")
    exp.set_defaults(handler=cmd_export)

    add_cleanup_parser(commands)

    dup = commands.add_parser("duplicates", help="list groups of duplicate contacts")
    dup.add_argument("--workspace", required=True, metavar="SLUG")
    dup.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    dup.set_defaults(handler=cmd_duplicates)

    from calkeep.cli_integrations import add_integration_parsers

    add_integration_parsers(commands)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


# -- set-up and processes ---------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from calkeep.accounts.actions import ensure_demo_workspace

    call_command("migrate", interactive=False, verbosity=0)
    demo = ensure_demo_workspace()
    state = "created" if demo.created else "ready"
    print(
        f"Demo workspace {demo.workspace.slug!r} {state}; login {demo.username} / {demo.password}"
    )
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from calkeep.transfers.tasks import start_import_pruning
    from calkeep.webhooks.tasks import start_delivery
    from calkeep.worker import recover_interrupted_work

    recover_interrupted_work()
    start_delivery()  # webhook deliveries that fell due or that a stopped worker held
    start_import_pruning()
    call_command("db_worker", interval=0.5, startup_delay=False)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from waitress import serve  # type: ignore[import-untyped,unused-ignore]

    from calkeep.accounts.actions import DEMO_PASSWORD, DEMO_USERNAME
    from calkeep.supervisor import WorkerSupervisor
    from calkeep.wsgi import application

    cmd_init(args)
    worker = WorkerSupervisor()
    worker.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = (
        f"http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}/"
    )
    print(f"\nCalKeep is running at {url}\nLog in as {DEMO_USERNAME} with password {DEMO_PASSWORD}")
    print("The task worker runs beside it. Press Ctrl+C to stop.\n", flush=True)
    try:
        serve(application, host=args.host, port=args.port, threads=8, ident="calkeep")
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    return EXIT_OK


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["calkeep manage", *args.arguments])
    return EXIT_OK


# -- import -----------------------------------------------------------------------------
def fail(message: str, as_json: bool, code: int = EXIT_UNREADABLE, kind: str = "error") -> int:
    """Refusals go to stderr; with --json, stdout still gets one JSON document."""
    print(f"calkeep: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"error": {"code": kind, "message": message}}, ensure_ascii=False))
    return code


def cmd_import(args: argparse.Namespace) -> int:
    from calkeep.formats.draft import UnreadableFile
    from calkeep.transfers.actions import ImportOptions, check_size, dry_run, remember_mapping
    from calkeep.transfers.runs import import_now

    try:
        viewer = resolve_member(args.workspace, args.user)
        mapping = read_mapping(args.mapping) if args.mapping else None
        check_size(args.path.stat().st_size)
        data = args.path.read_bytes()
    except UnreadableFile as error:
        return fail(error.message, args.json, kind=error.code)
    except LookupError as error:
        return fail(str(error), args.json, kind="not_found")
    except OSError as error:
        return fail(
            f"cannot read {args.path}: {error.strerror or error}", args.json, kind="os_error"
        )
    options = ImportOptions(args.format, args.region, args.strategy, mapping)
    if mapping is None:
        options.mapping = remembered_mapping_for(viewer, data, args.format)
    try:
        if args.dry_run:
            plan = dry_run(viewer, data, options)
        else:
            plan = import_now(viewer, args.path.name, data, options)
    except UnreadableFile as error:
        return fail(f"{args.path.name}: {error.message}", args.json, kind=error.code)
    if mapping is not None and plan.parsed.format == "generic_csv":
        remember_mapping(viewer, data, mapping)  # as the page remembers a confirmed one
    document = plan.document(dry_run=args.dry_run)
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_import_summary(args.path.name, document)
    return EXIT_OK


def remembered_mapping_for(viewer: Any, data: bytes, requested: str) -> dict[str, str] | None:
    """A generic CSV without --mapping gets the mapping the workspace remembered for its
    headers (confirmed on the import page or given with --mapping), as the page would."""
    from calkeep.formats.detect import detect_format
    from calkeep.formats.draft import UnreadableFile
    from calkeep.transfers.runs import saved_mapping_for

    try:
        kind = detect_format(data) if requested == "auto" else requested
    except UnreadableFile:
        return None
    return saved_mapping_for(viewer, data) if kind == "generic_csv" else None


# -- export -----------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    """Write the export to -o PATH (whole or not at all) or to stdout as bytes."""
    from calkeep.transfers.export import count_exported, export_contacts

    if args.vcard_version and args.format != "vcard":
        return fail("--version applies to --format vcard only", False)
    try:
        viewer = resolve_member(args.workspace, args.user)
    except LookupError as error:
        return fail(str(error), False)
    chunks = export_contacts(viewer, args.format, args.vcard_version or "4.0")
    if args.output is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        write_atomically(args.output, chunks)
    except OSError as error:
        return fail(f"cannot write {args.output}: {error.strerror or error}", False)
    count = count_exported(viewer)
    print(f"Exported {count} contact{'s' if count != 1 else ''} to {args.output}")
    return EXIT_OK


def write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write beside `path` and rename, so a failed export leaves no half-written file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def resolve_member(slug: str, username: str | None) -> Any:
    from calkeep.accounts.models import Membership, Role, Workspace

    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise LookupError(f"no workspace {slug!r} (run `calkeep init` for the demo workspace)")
    members = Membership.objects.select_related("workspace", "user").filter(workspace=workspace)
    if username:
        member = members.filter(user__username=username).first()
        if member is None:
            raise LookupError(f"{username!r} is not a member of workspace {slug!r}")
        return member
    admin = members.filter(role=Role.ADMIN).order_by("created_at").first()
    if admin is None:
        raise LookupError(f"workspace {slug!r} has no admin to import as; pass --user")
    return admin


def read_mapping(path: Path) -> dict[str, str]:
    from calkeep.formats.draft import UnreadableFile

    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UnreadableFile(
            f"cannot read the mapping file {path}: {error}", "bad_mapping"
        ) from error
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise UnreadableFile(
            f"the mapping file {path} must hold one JSON object of column name -> field",
            "bad_mapping",
        )
    return mapping


def print_import_summary(name: str, document: dict[str, Any]) -> None:
    summary = document["summary"]
    verb = "Would import" if document["dry_run"] else "Imported"
    print(
        f"{verb} {name} ({document['format']}, {document['encoding']}): {document['rows']} rows; "
        f"{summary['create']} create, {summary['update']} update, "
        f"{summary['skip']} skip, {summary['error']} error"
    )
    for item in document["items"]:
        for problem in item["errors"] + item["warnings"]:
            where = f" {problem['field']}" if problem["field"] else ""
            kind = "error" if problem in item["errors"] else "warning"
            print(f"  row {item['row']}{where}: {kind}: {problem['message']}")


# -- cleanup ----------------------------------------------------------------------------
def add_cleanup_parser(commands: Any) -> None:
    cleanup = commands.add_parser("cleanup", help="Phase 0 cleanup rules: preview, apply, revert")
    actions = cleanup.add_subparsers(title="actions", metavar="ACTION")
    preview = actions.add_parser("preview", help="what the rules would change; writes nothing")
    preview.add_argument("--workspace", required=True, metavar="SLUG")
    preview.add_argument("--rules", metavar="A,B", help="rule names (default: all five)")
    preview.add_argument("--examples", type=int, default=10, metavar="N", help="per rule")
    preview.add_argument("--user", metavar="EMAIL", help="an admin (default: the first admin)")
    preview.add_argument("--json", action="store_true", help="print one JSON document")
    preview.set_defaults(handler=cmd_cleanup_preview)
    apply = actions.add_parser("apply", help="run the rules now and record every change")
    apply.add_argument("--workspace", required=True, metavar="SLUG")
    apply.add_argument("--rules", required=True, metavar="A,B", help="rule names")
    apply.add_argument("--user", metavar="EMAIL", help="an admin (default: the first admin)")
    apply.add_argument("--json", action="store_true", help="print one JSON document")
    apply.set_defaults(handler=cmd_cleanup_apply)
    revert = actions.add_parser("revert", help="revert a whole cleanup run")
    revert.add_argument("run_id", type=int, metavar="RUN_ID")
    revert.add_argument(
        "--force", action="store_true", help="also revert contacts edited since (their edits go)"
    )
    revert.add_argument("--json", action="store_true", help="print one JSON document")
    revert.set_defaults(handler=cmd_cleanup_revert)
    cleanup.set_defaults(handler=lambda args: (cleanup.print_help(), EXIT_FAILED)[1])


def cleanup_admin(args: argparse.Namespace, rules_text: str | None) -> tuple[Any, list[Any]]:
    """The member to act as (an admin) and the rules; LookupError or UnknownRule."""
    from calkeep.cleanup.rules import RULES, rules_named

    viewer = resolve_member(args.workspace, args.user)
    if not viewer.is_admin:
        raise LookupError(
            f"{viewer.user.username!r} is not an admin of workspace {args.workspace!r}"
        )
    names = rules_text.split(",") if rules_text is not None else list(RULES)
    rules = rules_named(names)
    if not rules:
        raise LookupError("name at least one rule with --rules")
    return viewer, rules


def cmd_cleanup_preview(args: argparse.Namespace) -> int:
    from calkeep.cleanup.preview import preview_rules
    from calkeep.cleanup.rules import UnknownRule
    from calkeep.contacts.models import Contact

    try:
        viewer, rules = cleanup_admin(args, args.rules)
    except (LookupError, UnknownRule) as error:
        return fail(str(error), args.json)
    contacts = Contact.objects.visible_to(viewer)
    previews = preview_rules(contacts, rules, viewer.workspace.default_region, args.examples)
    if args.json:
        print_json({"rules": [p.to_dict() for p in previews]})
        return EXIT_OK
    for preview in previews:
        print(f"{preview.rule.name}: {preview.contacts} contact(s) would change")
        for example in preview.examples:
            print(f"  contact {example.contact_id} ({example.name or 'no name'})")
            for name, value in example.after.items():
                print(f"    {name}: {example.before[name]!r} -> {value!r}")
    return EXIT_OK


def cmd_cleanup_apply(args: argparse.Namespace) -> int:
    from calkeep.cleanup.jobs import apply_now
    from calkeep.cleanup.rules import UnknownRule

    try:
        viewer, rules = cleanup_admin(args, args.rules)
    except (LookupError, UnknownRule) as error:
        return fail(str(error), args.json)
    job = apply_now(viewer, [r.name for r in rules])
    if args.json:
        print_json({"run_id": job.pk, "changed": job.changed, "failed": job.failed})
    else:
        print(
            f"Cleanup run {job.pk}: {job.changed} of {job.done} contact(s) changed, "
            f"{job.failed} failed. Revert with: calkeep cleanup revert {job.pk}"
        )
    return EXIT_OK


def cmd_cleanup_revert(args: argparse.Namespace) -> int:
    from calkeep.cleanup.jobs import job_conflicts, revert_now, revert_record
    from calkeep.cleanup.models import CleanupJob

    job = CleanupJob.objects.select_related("workspace").filter(pk=args.run_id).first()
    if job is None:
        return fail(f"no cleanup run {args.run_id}", args.json)
    reverted: list[int] = []
    gone: list[int] = []
    if job.revert_requested_at is None:
        outcome = revert_now(job)
        if outcome is None:
            state = (
                "still running (pause it first)" if job.is_active
                else "a run that changed nothing" if job.changed == 0
                else "not revertible"
            )  # fmt: skip
            return fail(f"cleanup run {job.pk} is {state}", args.json, code=EXIT_FAILED)
        reverted, gone = outcome.reverted, outcome.gone
        job.refresh_from_db()
    if args.force:
        for conflict in job_conflicts(job):
            reverted += revert_record(job, conflict.change, None, force=True).reverted
        job.refresh_from_db()
    conflicts: list[dict[str, Any]] = [
        {
            "contact_id": c.contact.pk, "change_id": c.change.pk, "name": c.contact.name,
            "differences": [
                {"field": d.field, "recorded": d.recorded, "current": d.current}
                for d in c.differences
            ],
        }
        for c in job_conflicts(job)
    ]  # fmt: skip
    if args.json:
        print_json({"run_id": job.pk, "reverted": reverted, "gone": gone, "conflicts": conflicts})
        return EXIT_OK
    print(f"Cleanup run {job.pk}: reverted {len(reverted)} contact(s)", end="")
    print(f", {len(gone)} deleted since" if gone else "", end=".\n")
    for item in conflicts:
        print(f"  left alone, edited since: contact {item['contact_id']} ({item['name']})")
        for d in item["differences"]:
            print(f"    {d['field']}: this run left {d['recorded']!r}, now {d['current']!r}")
    if conflicts:
        print(f"Revert them anyway with: calkeep cleanup revert {job.pk} --force")
    return EXIT_OK


# -- duplicates -------------------------------------------------------------------------
def cmd_duplicates(args: argparse.Namespace) -> int:
    """PRODUCT.md: {"groups": [{"contact_ids": [..], "reason": .., "score": ..}]}, the
    likeliest first; each group's first contact is the oldest, the one a merge keeps."""
    from calkeep.accounts.models import Workspace
    from calkeep.cleanup.duplicate_scan import find_workspace_duplicates

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        return fail(f"no workspace {args.workspace!r}", args.json, kind="not_found")
    groups = find_workspace_duplicates(workspace, use_cache=False)
    if args.json:
        print_json({"groups": [g.as_json() for g in groups]})
        return EXIT_OK
    print(f"{len(groups)} group{'s' if len(groups) != 1 else ''} of possible duplicates")
    for group in groups:
        ids = ", ".join(str(i) for i in group.contact_ids)
        print(f"  {group.reason} ({group.score:.2f}): contacts {ids}")
    return EXIT_OK


def print_json(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
