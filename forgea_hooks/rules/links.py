"""Link rules: are the official sources that docs cite still there?

With ``--links`` (off by default, so commits stay fast and offline), every http(s) URL cited by a
checked document is requested once per run, and each problem is reported at every place that
cites the URL.

``link-dead``: the URL does not answer with success, after retries.
    A 404 or 410, a 5xx that persists after the retries, a host name that does not resolve, a
    connection refused or timed out, a TLS failure, a redirect loop, or (with
    ``check-fragments``) a ``#anchor`` the page does not have. Default: error in every kind.
    Example: ``https://www.postgresql.org/docs/9.1/`` -> "Dead link ...: the server answered 404
    Not Found." Fix the URL; if the site works in a browser, see ``links.exclude`` below.

``link-redirect``: the URL redirects permanently (the hint gives the target).
    A 301 or 308, or a chain of them; temporary redirects (302, 303, 307) are followed silently.
    Default: warning in every kind. Example: ``http://prisma.io/docs`` -> hint "Cite the new
    address: https://www.prisma.io/docs".

``link-unverified``: the site refused an automated check (bot wall, rate limit after retries): not dead.
    A Cloudflare-style challenge (``cf-mitigated: challenge``, a captcha page behind a 403),
    status 999, a 429 that persists after honouring ``Retry-After``, GitHub refusing the token,
    or an anchor beyond the part of a page that is read (``max-body``). Default: warning in every
    kind. Open the link in a browser; exclude it if the site always refuses robots.

``link-blocked``: the URL resolves to a private, loopback or link-local address and was not fetched.
    A pull request chooses the URLs and CI runs them, so a host that resolves to a private,
    loopback, link-local (including the 169.254.169.254 metadata service), multicast or reserved
    address, in any spelling (``http://2130706433/``, ``http://[::ffff:10.0.0.1]/``) or after a
    redirect, is never contacted; nor is a scheme other than http and https. Default: warning in
    every kind. Set ``links.allow-private: true`` (or pass ``--allow-private``) for docs whose
    official sources live on an internal network.

Configure under ``links:`` in ``.forgea-hooks.yaml``; severities under ``rules:`` as for any rule::

    links:
      max-in-flight: 64          # requests in flight at once
      per-host: 8                # ... and to any one host
      timeout: {connect: 5, read: 15}
      retries: 2                 # timeouts, connection errors and 5xx, with backoff
      accept: ["200-299"]        # status codes that count as alive
      exclude: ['^https://internal\\.example\\.com/']   # regexes; matches are not requested
      cache: {path: .forgea-hooks-cache/links.json, ttl: 1d}
      allow-private: false
      check-fragments: false     # true: #anchors must exist in the page
    rules:
      link-redirect: off
      link-unverified: {gatekeeper-report: info}

Successes are cached for ``ttl`` (failures never are), so a rerun only asks about what failed.
With a ``GITHUB_TOKEN`` in the environment, github.com repository, file, issue and pull request
links are checked through GitHub's API, which neither rate-limits nor bot-walls a token; the
token is sent to the API host only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from forgea_hooks.findings import KINDS, Finding, Severity

if TYPE_CHECKING:
    # Only a type here: an offline run loads this module for its severities, not the link engine.
    from forgea_hooks.links.model import LinkResult

RULES: dict[str, dict[str, Severity | None]] = {
    "link-dead": dict.fromkeys(KINDS, Severity.ERROR),
    "link-redirect": dict.fromkeys(KINDS, Severity.WARNING),
    "link-unverified": dict.fromkeys(KINDS, Severity.WARNING),
    "link-blocked": dict.fromkeys(KINDS, Severity.WARNING),
}

_RULE_OF = {
    "dead": "link-dead",
    "redirect": "link-redirect",
    "unverified": "link-unverified",
    "blocked": "link-blocked",
}

_EXCLUDE_HINT = "add a pattern for it to links.exclude in .forgea-hooks.yaml"


def findings_for(
    results: Mapping[str, LinkResult],
    citations: Mapping[str, Sequence[tuple[str, int, int, str]]],
    severity: Callable[[str, str], Severity | None],
) -> list[Finding]:
    """One finding per failed URL per place citing it, in path/line order.

    ``citations`` maps a URL to its places as (display path, line, column, document kind);
    ``severity(rule, kind)`` is the configured severity, None when the rule is off for that kind.
    """
    findings: list[Finding] = []
    for url, result in results.items():
        rule = _RULE_OF.get(result.outcome)
        if rule is None:
            continue
        message, hint = _describe(result)
        for path, line, column, kind in citations.get(url, ()):
            level = severity(rule, kind)
            if level is not None:
                findings.append(Finding(path, line, column, rule, level, message, hint))
    findings.sort(key=Finding.sort_key)
    return findings


def _describe(result: LinkResult) -> tuple[str, str]:
    url, detail = result.url, result.detail
    if result.outcome == "dead":
        return (
            f"Dead link {url}: {detail}.",
            f"Fix or replace the link. If it works in a browser, {_EXCLUDE_HINT}.",
        )
    if result.outcome == "redirect":
        return (
            f"The link {url} has moved permanently.",
            f"Cite the new address: {result.target}" if result.target else "Cite the page's new address.",
        )
    if result.outcome == "unverified":
        return (
            f"Could not verify the link {url}: {detail}.",
            f"The site refused an automated check; open the link in a browser to confirm it. "
            f"To stop checking it, {_EXCLUDE_HINT}.",
        )
    return (
        f"The link {url} was not fetched: {detail}.",
        "Links must lead to public addresses. For an internal site set links.allow-private: true "
        "(or pass --allow-private), or add it to links.exclude.",
    )
