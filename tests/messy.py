"""A realistic messy docs tree, the kind a team adopting forgea-hooks starts from: a registry, a
lockfile and a 300-line gatekeeper report in the style of real ones, with dozens of findings of
every mechanical sort (ranges the lockfile settles, unknown pins the registry knows, machine-local
paths, plain-http and /current/ sources) and some that only a person can fix."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REGISTRY = """\
# Official docs registry

| Technology | Official source | Version | Status | Official domains |
| --- | --- | --- | --- | --- |
| PostgreSQL | https://www.postgresql.org/docs/16/ | 16.4 | approved | postgresql.org |
| Prisma | https://www.prisma.io/docs/orm | 7.3.1 | approved | prisma.io |
| Redis | https://redis.io/docs/latest/ | 7.2.5 | approved | redis.io |
| Node.js | https://nodejs.org/docs/v22.11.0/api/ | 22.11.0 | approved | nodejs.org |
| Stripe API | https://docs.stripe.com/api | 2024-06-20 | approved | stripe.com |
| Terraform | https://developer.hashicorp.com/terraform/language | 1.9.8 | approved | hashicorp.com |
| Docker Compose | https://docs.docker.com/compose/ | 2.29.7 | approved | docker.com |
| OpenTelemetry | https://opentelemetry.io/docs/ | 1.27.0 | approved | opentelemetry.io |
| Zod | https://zod.dev/ | 3.23.8 | approved | zod.dev |
| Kafka | https://kafka.apache.org/documentation/ | VERSION UNKNOWN | missing | apache.org |
"""

PACKAGE_JSON = {
    "name": "payments",
    "private": True,
    "dependencies": {"@prisma/client": "^7.3.0", "zod": "^3.23.0", "pg": "^8.13.0"},
    "devDependencies": {"prisma": "^7.3.0"},
}

LOCK = {
    "name": "payments",
    "lockfileVersion": 3,
    "requires": True,
    "packages": {
        "": {"name": "payments", "dependencies": PACKAGE_JSON["dependencies"],
             "devDependencies": PACKAGE_JSON["devDependencies"]},
        "node_modules/@prisma/client": {"version": "7.3.1"},
        "node_modules/prisma": {"version": "7.3.1", "dev": True},
        "node_modules/zod": {"version": "3.23.8"},
        "node_modules/pg": {"version": "8.13.1"},
    },
}  # fmt: skip

COMPOSE = """\
services:
  db:
    image: postgres:16.4
  cache:
    image: redis:7.2.5-alpine
"""

# (technology, concept, source, pin); every entry gets the other required fields unless noted.
ENTRIES = [
    ("Prisma", "Schema modelling and relation modes", "https://www.prisma.io/docs/orm/prisma-schema", "^7.3.0"),
    ("Prisma", "Migrate: shadow database and baselining", "http://www.prisma.io/docs/orm/prisma-migrate", "~7.3"),
    (
        "PostgreSQL",
        "Row-level security policies",
        "https://www.postgresql.org/docs/current/ddl-rowsecurity.html",
        "VERSION UNKNOWN — MUST BE PINNED BEFORE IMPLEMENTATION",
    ),
    (
        "PostgreSQL",
        "Advisory locks for the ledger writer",
        "http://www.postgresql.org/docs/current/explicit-locking.html",
        "16.4",
    ),
    (
        "PostgreSQL",
        "Partitioning the events table",
        "https://www.postgresql.org/docs/current/ddl-partitioning.html",
        "Postgres version pin (TBD)",
    ),
    ("Redis", "Streams and consumer groups", "https://redis.io/docs/latest/develop/data-types/streams/", "7.2.x"),
    ("Redis", "Keyspace notifications", "http://redis.io/docs/latest/develop/use/keyspace-notifications/", "TBD"),
    (
        "Node.js",
        "AsyncLocalStorage for request context",
        "https://nodejs.org/docs/latest/api/async_context.html",
        "VERSION UNKNOWN",
    ),
    (
        "Stripe API",
        "Webhook signatures and event ordering",
        "https://docs.stripe.com/webhooks",
        "VERSION UNKNOWN — MUST BE PINNED BEFORE IMPLEMENTATION",
    ),
    ("Stripe API", "Idempotency keys", "https://docs.stripe.com/api/idempotent_requests", "2023-10-16"),
    (
        "Terraform",
        "Module composition for the payments stack",
        "https://developer.hashicorp.com/terraform/language/modules",
        "latest",
    ),
    (
        "Docker Compose",
        "Healthchecks and depends_on conditions",
        "https://docs.docker.com/compose/how-tos/startup-order/",
        "2.29.7",
    ),
    (
        "OpenTelemetry",
        "Trace context propagation",
        "https://opentelemetry.io/docs/concepts/context-propagation/",
        "e.g., 1.27.x (to be confirmed by platform)",
    ),
    ("Zod", "Schema refinement for webhook payloads", "https://zod.dev/?id=refine", "^3.23.0"),
    (
        "Kafka",
        "Exactly-once semantics for the outbox relay",
        "https://kafka.apache.org/documentation/#semantics",
        "VERSION UNKNOWN — MUST BE PINNED",
    ),
    (
        "PCI DSS",
        "Storage of cardholder data",
        "https://www.pcisecuritystandards.org/document_library/",
        "PCI DSS v4.0 (pin before implementation)",
    ),
    (
        "OWASP ASVS",
        "Session management requirements",
        "https://owasp.org/www-project-application-security-verification-standard/",
        "NO FORMAL VERSION — review and accept before implementation",
    ),
    ("Sentry SDK", "Scrubbing PII from breadcrumbs", "missing", "VERSION UNKNOWN"),
    ("ISO 4217", "Currency codes and minor units", "https://www.iso.org/iso-4217-currency-codes.html", "ISO 4217:2015"),
    (
        "Node.js",
        "Worker threads for PDF rendering",
        "https://nodejs.org/docs/v22.11.0/api/worker_threads.html",
        "22.11.0",
    ),
    (
        "Prisma",
        "Interactive transactions",
        "https://www.prisma.io/docs/orm/prisma-client/queries/transactions",
        "7.2.0",
    ),
    ("Redis", "Eviction policies", "https://redis.io/docs/latest/develop/reference/eviction/", "^7.2"),
]

INTERNAL = [
    ("/Users/alice/code/payments/docs/official-docs/EPIC-D/prisma.md (extend)", "Prisma relation modes"),
    ("/Users/alice/code/payments/docs/official-docs/EPIC-D/postgresql-rls.md (new)", "RLS policy templates"),
    ("/home/bob/src/payments/docs/official-docs/EPIC-D/redis-streams.md (new)", "Consumer group recovery"),
    ("/docs/official-docs/EPIC-D/stripe-webhooks.md (extend)", "Webhook event ordering"),
    ("/docs/official-docs/EPIC-D/otel.md (new)", "Propagation headers we accept"),
    ("/docs/official-docs/EPIC-D/kafka-outbox-<YYYY-MM-DD>.md (new)", "Outbox relay guarantees"),
    ("/docs/official-docs/EPIC-D/terraform-modules.md (extend)", "Module boundaries"),
    ("/Users/alice/code/payments/docs/official-docs/EPIC-D/zod.md (extend)", "Refinement patterns"),
    ("/docs/official-docs/EPIC-D/pci.md (new)", "Card data flows"),
    ("/docs/official-docs/EPIC-D/node-async-context.md (new)", "Context propagation in workers"),
]
INTERNAL_PINS = ["^7.3.0", "VERSION UNKNOWN", "7.2.x", "2024-06-20", "TBD", "VERSION UNKNOWN — MUST BE PINNED",
                 "1.9.8", "^3.23.0", "v4.0", "22.11.0"]  # fmt: skip

DIGESTS = {
    "prisma.md": ("Prisma", "7.3.1", "https://www.prisma.io/docs/orm"),
    "stripe-webhooks.md": ("Stripe API", "2024-06-20", "https://docs.stripe.com/webhooks"),
    "terraform-modules.md": ("Terraform", "1.9.8", "https://developer.hashicorp.com/terraform/language/modules"),
    "zod.md": ("Zod", "3.23.8", "https://zod.dev/"),
}

STATUS = """\
Registry status lines for concepts this work touches:

- `rls-policies:` https://www.postgresql.org/docs/current/sql-createpolicy.html — `pending`
- `webhook-signing:` https://docs.stripe.com/webhooks/signature — approved
- `outbox-pattern:` missing — missing
- `currency-minor-units:` http://www.iso.org/iso-4217-currency-codes.html — pending
"""


def report() -> str:
    out = [
        "Referencing /docs/code-scout/EPIC-D/D1_Payments_Ledger.md",
        "Reference: /Users/alice/code/payments/docs/tasks/task-D1-2026-11-02.md",
        "",
        "# Gatekeeper review — EPIC-D payments ledger",
        "",
        "Reviewer: platform gatekeeper. Scope: the ledger writer, the webhook intake, the outbox relay.",
        "",
        "This review lists every official document the ledger work depends on. It was written before",
        "the team adopted pinned docs, and it shows: many versions are ranges copied from package.json,",
        "several sources follow the docs' moving `current` pages, and some paths point at one",
        "engineer's laptop.",
        "",
        "### REQUIRED OFFICIAL DOCUMENTATION",
        "",
        "The entries below are grouped by technology. Where several concepts share a technology,",
        "each concept is its own entry so that the decision it informs is explicit.",
        "",
    ]
    for number, (tech, concept, source, pin) in enumerate(ENTRIES, 1):
        out += [
            f"- Technology: {tech}",
            f"  - Concept: {concept}",
            f"  - Official source: {source}",
            f"  - Exact version requirement: {pin}",
            f"  - Why required: entry {number} — the ledger's behaviour for {concept.lower()} depends on it.",
        ]
        if number % 7 != 3:
            out.append(f"  - What decision it informs: how the ledger implements {concept.lower()}.")
        out += [
            f"  - What breaks without it: reconciliation drifts when {tech} behaves differently than assumed.",
            "",
        ]
        if number % 5 == 0:
            out += [
                f"Notes on {tech}: the team's spike lives at /Users/alice/code/payments/spikes/{number}/README.md",
                "and was run against a local install; see the CI logs for the version it actually used.",
                "",
            ]
    out += ["```yaml", "# an example of the config the ledger reads; not an entry", "- Technology: Ignored",
            "  - Exact version requirement: ^1.0.0", "```", "", STATUS, "---", "",
            "### DOCUMENTATION COVERAGE DECISION", "", "⚠️ DOCUMENTATION PARTIAL — EXTENSION REQUIRED", "",
            "Docs to extend:", "",
            "- `/docs/official-docs/EPIC-D/prisma.md` — relation modes and the shadow database.",
            "- `/docs/official-docs/EPIC-D/stripe-webhooks.md` — event ordering.", "",
            "Reason: several pins are unknown or ranges; see the entries above.", "",
            "### INTERNAL DOCS TO ADD OR EXTEND (required)", ""]  # fmt: skip
    for (path, purpose), pin in zip(INTERNAL, INTERNAL_PINS, strict=True):
        out += [
            f"- Path: {path}",
            f"  - Purpose: {purpose}.",
            "  - Exact knowledge to add:",
            f"    - What the ledger relies on for {purpose.lower()}.",
            "    - The failure modes seen in staging.",
            f"  - Required version pin: {pin}",
            "",
        ]
    out += ["Open questions for the planner: the outbox relay's ordering guarantee, and who owns PCI scoping.", ""]
    return "\n".join(out)


def build(root: Path, *, git: bool = True) -> Path:
    """The messy tree at ``root`` (committed when ``git``); returns the report's path. The report is
    a draft under review, not yet handed off: a handed-off one is a record that `fix` leaves alone."""
    (root / "docs" / "gatekeeper").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "official-docs" / "EPIC-D").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "official-docs-registry.md").write_text(REGISTRY, encoding="utf-8")
    (root / "package.json").write_text(json.dumps(PACKAGE_JSON, indent=2) + "\n", encoding="utf-8")
    (root / "package-lock.json").write_text(json.dumps(LOCK, indent=2) + "\n", encoding="utf-8")
    (root / "docker-compose.yml").write_text(COMPOSE, encoding="utf-8")
    for name, (tech, version, source) in DIGESTS.items():
        (root / "docs" / "official-docs" / "EPIC-D" / name).write_text(
            f"---\ntechnology: {tech}\nversion: {version}\nofficial_source: {source}\n---\n"
            f"\n# {tech}\n\n## Purpose\n\nThe team's digest of {tech} for the ledger.\n",
            encoding="utf-8",
        )
    path = root / "docs" / "gatekeeper" / "D1-payments-ledger.md"
    path.write_text(report(), encoding="utf-8")
    if git:
        run_git(root, "init", "-q", "-b", "main")
        run_git(root, "add", "-A")
        run_git(root, "commit", "-q", "-m", "the docs as they were")
    return path


def run_git(root: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root),
        "PATH": __import__("os").environ["PATH"],
    }  # fmt: skip
    done = subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True, timeout=60)
    return done.stdout
