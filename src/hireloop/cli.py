"""The `hireloop` command: serve, worker, demo, createadmin, apikey, parse-resume, manage."""

import argparse
import getpass
import os
import signal
import subprocess
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings_dir = settings.DATA_DIR
    if not settings.DATABASE_URL:
        settings_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)
    # The cache table's migration only creates it when the database cache is configured at that time.
    call_command("createcachetable", verbosity=verbosity)


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    import uvicorn

    _migrate()
    worker = None
    if not args.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "hireloop", "worker"])  # noqa: S603
    print(f"Hireloop on http://{args.host}:{args.port}/  (API docs: /api/v2/docs)", flush=True)
    try:
        uvicorn.run(
            "hireloop.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers if args.workers > 1 else None,
            log_level=os.environ.get("UVICORN_LOG_LEVEL", "info"),
            lifespan="off",
        )
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    from hireloop.webhooks.tasks import ensure_sweep_scheduled

    # Periodic work (resending webhooks a killed worker left behind, log cleanup) is a task that reschedules itself.
    ensure_sweep_scheduled()
    call_command(
        "db_worker",
        queue_name="*",
        interval=args.interval,
        reload=False,
        startup_delay=True,
        verbosity=1,
        **({"max_tasks": args.max_tasks} if args.max_tasks else {}),
        **({"batch": True} if args.batch else {}),
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    _migrate()
    from hireloop.core.demo import load_demo

    result = load_demo()
    print("Demo company ready:")
    print(f"  company:  {result.company.name} (id {result.company.pk}, slug {result.company.slug})")
    print(f"  login:    {result.email} / {result.password}")
    print(f"  API key:  {result.api_key}")
    print("  try:      curl -H 'Authorization: Bearer <API key>' http://127.0.0.1:8000/api/v2/users")
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup()
    _migrate()
    from hireloop.accounts import services
    from hireloop.accounts.models import User

    email = args.email or input("Email: ").strip()
    password = args.password or os.environ.get("HIRELOOP_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    if User.objects.filter(email=email.lower()).exists():
        print(f"A user with email {email} already exists.", file=sys.stderr)
        return 1
    company = services.create_company(name=args.company, owner_email=email, owner_password=password)
    user = company.owner
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    print(f"Created admin {user.email} of {company.name} (company id {company.pk}); back office at /admin/")
    return 0


def cmd_apikey(args: argparse.Namespace) -> int:
    _setup()
    from hireloop.accounts import services
    from hireloop.accounts.models import ApiKey, Company, User

    if args.apikey_command == "create":
        user = User.objects.filter(email=args.email.lower()).first()
        if user is None:
            print(f"No user with email {args.email}", file=sys.stderr)
            return 1
        memberships = user.memberships.filter(is_active=True)
        if args.company:
            memberships = memberships.filter(company_id=args.company)
        membership = memberships.select_related("company").order_by("created_at").first()
        if membership is None:
            print("That user has no company (or not that one).", file=sys.stderr)
            return 1
        created = services.create_api_key(
            company=membership.company, actor=user, name=args.name, scopes=args.scopes.split(",")
        )
        print(created.key)
        return 0
    if args.apikey_command == "list":
        keys = ApiKey.objects.select_related("user", "company").order_by("company_id", "-created_at")
        if args.company:
            keys = keys.filter(company_id=args.company)
        for key in keys:
            state = "revoked" if key.revoked_at else "active"
            print(
                f"{key.pk}\t{key.prefix}\t{key.company.name}\t{key.user.email}\t{','.join(key.scopes)}\t{state}\t{key.name}"
            )
        return 0
    if args.apikey_command == "revoke":
        key = ApiKey.objects.filter(prefix=args.prefix).first()
        if key is None:
            print(f"No API key with prefix {args.prefix}", file=sys.stderr)
            return 1
        services.revoke_api_key(company=Company.objects.get(pk=key.company_id), actor=key.user, api_key=key)
        print(f"Revoked {key.prefix}")
        return 0
    return 2


def cmd_parse_resume(args: argparse.Namespace) -> int:
    import json

    from hireloop.ai.parsing import ParseError, parse_resume

    try:
        with open(args.file, "rb") as fh:
            content = fh.read()
        resume = parse_resume(content, os.path.basename(args.file))
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    except ParseError as exc:
        print(f"Cannot parse {args.file}: {exc.reason}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(resume, ensure_ascii=False, indent=2))
        return 0
    for key in ("name", "headline", "location"):
        print(f"{key}: {resume[key] or '-'}")
    print(f"emails: {', '.join(resume['emails']) or '-'}")
    print(f"phones: {', '.join(resume['phones']) or '-'}")
    print(f"skills: {', '.join(s['canonical'] or s['name'] for s in resume['skills']) or '-'}")
    for item in resume["experience"]:
        end = "present" if item["is_current"] else (item["end"] or "?")
        print(f"experience: {item['title'] or '?'} at {item['company'] or '?'} ({item['start'] or '?'} - {end})")
    for item in resume["education"]:
        print(f"education: {item['degree'] or '?'} {item['field'] or ''} - {item['institution'] or '?'}")
    print(f"total years of experience: {resume['total_years_experience']}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hireloop manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hireloop", description="Hireloop applicant tracking system")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate, then run the web server (and a task worker)")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--no-worker", action="store_true", help="do not start a task worker in this command")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run a background task worker")
    worker.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
    worker.add_argument("--max-tasks", type=int, default=0)
    worker.add_argument("--batch", action="store_true", help="run what is due, then exit")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="create a demo company, admin and API key")
    demo.set_defaults(func=cmd_demo)

    createadmin = sub.add_parser("createadmin", help="create a company admin with back-office access")
    createadmin.add_argument("--email")
    createadmin.add_argument("--password")
    createadmin.add_argument("--company", default="My Company")
    createadmin.set_defaults(func=cmd_createadmin)

    apikey = sub.add_parser("apikey", help="create, list or revoke API keys")
    apikey_sub = apikey.add_subparsers(dest="apikey_command", required=True)
    create = apikey_sub.add_parser("create")
    create.add_argument("--email", required=True)
    create.add_argument("--company", type=int)
    create.add_argument("--name", default="CLI key")
    create.add_argument("--scopes", default="read,write")
    listing = apikey_sub.add_parser("list")
    listing.add_argument("--company", type=int)
    revoke = apikey_sub.add_parser("revoke")
    revoke.add_argument("prefix")
    apikey.set_defaults(func=cmd_apikey)

    parse_resume = sub.add_parser("parse-resume", help="parse a resume file (PDF, DOCX, TXT) offline")
    parse_resume.add_argument("file")
    parse_resume.add_argument("--json", action="store_true", help="print the structured resume as JSON")
    parse_resume.set_defaults(func=cmd_parse_resume)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
