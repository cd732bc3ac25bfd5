"""Report: an output folder -> ``report.html``, one self-contained page a documentalist opens offline.

Downstream of consolidate (``crpv report``, and ``make run``). What it shows, in French like its
readers: the events by year and by centre, the regions and cities where they happened, the most cited
organisations and people, and a table with one row per network event whose details give its sources
(each page, its site and address) and, for each value, the value chosen, the rule that chose it, the
pages that gave it, the words of the page it was read from and the other values given; a value a
documentalist set in ``corrections.toml`` is marked "corrigé".

No network, no CDN: the styles and the small script (a filter, the count of rows shown) are inline;
the page only links to the sources' own addresses. Nothing time-dependent goes in, so the same outputs
give the same bytes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from . import export
from .consolidate import NetworkEvent
from .models import Event, Record
from .text import fold

REPORT = "report.html"
EVIDENCE_CHARS = 160  # the words of the page shown for a value (the full span is in the JSON outputs)
TOP = 20  # organisations and people listed

# network event field -> the page events' evidence key
_EVIDENCE_KEY = {
    "name": "name",
    "dates": "dates",
    "city": "location",
    "participants_count": "participants",
    "organisers": "organisers",
    "kind": "kind",
    "edition": "edition",
    "period": "dates",
}
_FIELD_LABEL = {
    "name": "nom",
    "dates": "dates",
    "period": "période",
    "city": "ville",
    "participants_count": "participants",
    "organisers": "organisateurs",
    "kind": "type",
    "edition": "édition",
    "sources": "fusion",
}

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .4rem;border-bottom:1px solid #e3e5ea;
text-align:left;vertical-align:top}th{background:#f1f3f7}.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:.8rem;background:#4a6fa5;vertical-align:middle;margin-right:.4rem}
.grid td.c{text-align:center}.muted{color:#667}.corr{background:#fff1c2;font-weight:600}
.tag{font-size:.75rem;padding:0 .3rem;border-radius:.2rem;background:#fde3a7;margin-left:.3rem}
details summary{cursor:pointer}details table{margin:.4rem 0;font-size:.85rem}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}input{font:inherit;padding:.3rem;width:20rem}
q{font-style:italic;color:#334}
"""

_SCRIPT = """
(function(){
  var rows=document.querySelectorAll('tr.event'), shown=document.getElementById('shown');
  function update(){
    var q=document.getElementById('filter').value.toLowerCase(), n=0;
    rows.forEach(function(r){var ok=!q||r.textContent.toLowerCase().indexOf(q)>=0;
      r.style.display=ok?'':'none'; if(ok){n++;}});
    shown.textContent=n; shown.setAttribute('data-count',n);
  }
  var box=document.getElementById('filter');
  if(location.hash.indexOf('#q=')===0){box.value=decodeURIComponent(location.hash.slice(3));}
  box.addEventListener('input',update); update();
})();
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _bar(count: int, most: int, width: int = 12) -> str:
    size = max(1, round(width * count / most)) if most else 1
    return f'<span class="bar" style="width:{size}rem"></span>{count}'


def _dates(event: NetworkEvent) -> str:
    if event.start_date:
        end = event.end_date or event.start_date
        return event.start_date if end == event.start_date else f"{event.start_date} → {end}"
    return event.period or "date non précisée"


def _year(event: NetworkEvent) -> str:
    return (event.start_date or event.period or "")[:4] or "?"


def _timeline(events: list[NetworkEvent]) -> str:
    by_year = Counter(_year(e) for e in events)
    by_site: dict[str, Counter] = defaultdict(Counter)
    for event in events:
        for site in sorted({s.site or "site inconnu" for s in event.sources}):
            by_site[site][_year(event)] += 1
    years = sorted(by_year)
    most = max(by_year.values(), default=0)
    out = ["<h2>Chronologie</h2>", '<div class="cols"><div><table><tr><th>année</th><th>événements</th></tr>']
    out += [f"<tr><td>{_e(y)}</td><td>{_bar(by_year[y], most)}</td></tr>" for y in years]
    out.append("</table></div><div>")
    sites = sorted(by_site, key=lambda s: (-sum(by_site[s].values()), s))
    out.append('<table class="grid" id="by-centre"><tr><th>centre (site)</th>')
    out += [f"<th>{_e(y)}</th>" for y in years] + ["<th>total</th></tr>"]
    peak = max((c for s in sites for c in by_site[s].values()), default=1)
    for site in sites:
        cells = []
        for year in years:
            n = by_site[site][year]
            shade = f' style="background:rgba(74,111,165,{0.15 + 0.6 * n / peak:.2f})"' if n else ""
            cells.append(f'<td class="c"{shade}>{n or ""}</td>')
        out.append(f"<tr><td>{_e(site)}</td>{''.join(cells)}<td class='n'>{sum(by_site[site].values())}</td></tr>")
    out.append("</table></div></div>")
    return "\n".join(out)


def _regions(events: list[NetworkEvent]) -> str:
    regions: Counter = Counter()
    cities: dict[str, Counter] = defaultdict(Counter)
    for event in events:
        where = event.region or ("en ligne" if event.online else "lieu non précisé")
        regions[where] += 1
        if event.city:
            cities[where][event.city] += 1
    most = max(regions.values(), default=0)
    out = ['<h2>Où</h2><table id="by-region"><tr><th>région</th><th>événements</th><th>villes</th></tr>']
    for region in sorted(regions, key=lambda r: (-regions[r], r)):
        listed = ", ".join(f"{_e(c)} ({n})" for c, n in sorted(cities[region].items(), key=lambda x: (-x[1], x[0])))
        out.append(f"<tr><td>{_e(region)}</td><td>{_bar(regions[region], most)}</td><td>{listed}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def _most_cited(records: list[Record]) -> str:
    orgs: Counter = Counter()
    org_names: dict[str, Counter] = defaultdict(Counter)
    people: Counter = Counter()
    person_names: dict[str, Counter] = defaultdict(Counter)
    roles: dict[str, Counter] = defaultdict(Counter)
    ids = {o.id for r in records for o in r.entities.organisations if o.id}
    for record in records:
        for key in {o.id or fold(o.name) for o in record.entities.organisations}:
            orgs[key] += 1
        for org in record.entities.organisations:
            org_names[org.id or fold(org.name)][org.name] += 1
        for key in {fold(p.name) for p in record.entities.people}:
            people[key] += 1
        for person in record.entities.people:
            person_names[fold(person.name)][person.name] += 1
            if person.role:
                roles[fold(person.name)][person.role] += 1

    def table(counts: Counter, names: dict[str, Counter], extra: dict[str, Counter] | None, ident: str, head: str):
        rows = []
        for key, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:TOP]:
            name = names[key].most_common(1)[0][0]
            note = extra[key].most_common(1)[0][0] if extra and extra[key] else (key if key in ids else "")
            rows.append(f"<tr><td>{_e(name)}</td><td class='muted'>{_e(note)}</td><td class='n'>{n}</td></tr>")
        return f'<table id="{ident}"><tr><th>{head}</th><th></th><th>pages</th></tr>' + "".join(rows) + "</table>"

    return (
        '<h2>Les plus cités</h2><div class="cols"><div><h3>Organisations</h3>'
        + table(orgs, org_names, None, "top-organisations", "organisation")
        + "</div><div><h3>Personnes</h3>"
        + table(people, person_names, roles, "top-people", "personne")
        + "</div></div>"
    )


def _evidence_text(page_events: dict[str, Event], keys: list[str], field: str) -> str:
    key = _EVIDENCE_KEY.get(field)
    for source in keys:
        event = page_events.get(source)
        found = event.evidence.get(key) if event and key else None
        if found:
            words = found.text or ""
            short = words if len(words) <= EVIDENCE_CHARS else words[: EVIDENCE_CHARS - 1] + "…"
            return f"<q>{_e(short)}</q> <span class='muted'>({_e(found.rule)})</span>" if words else _e(found.rule)
    return ""


def _event_row(event: NetworkEvent, page_events: dict[str, Event]) -> str:
    corrected = sorted(k for k, v in event.fields.items() if v.rule == "correction")
    organisers = ", ".join(_e(o.name) for o in event.organisers)
    where = "en ligne" if event.online else (event.city or "")
    sources = "".join(
        f"<li>{_e(s.site)} · "
        + (f'<a href="{_e(s.url)}">{_e(s.url)}</a>' if s.url else "")
        + f" <span class='muted'>{_e(s.key)}</span></li>"
        for s in event.sources
    )
    fields = []
    for name, chosen in event.fields.items():
        if chosen.value is None and not chosen.conflicts and chosen.rule != "correction":
            continue
        conflicts = "; ".join(f"{_e(v)} ({len(s)})" for v, s in chosen.conflicts.items())
        mark = ' class="corr"' if chosen.rule == "correction" else ""
        tag = '<span class="tag">corrigé</span>' if chosen.rule == "correction" else ""
        fields.append(
            f"<tr{mark}><td>{_FIELD_LABEL.get(name, name)}{tag}</td><td>{_e(chosen.value)}</td>"
            f"<td>{_e(chosen.rule)}</td><td class='n'>{len(chosen.sources)}</td>"
            f"<td>{_evidence_text(page_events, chosen.sources, name)}</td><td>{conflicts}</td></tr>"
        )
    badge = '<span class="tag">corrigé</span>' if corrected else ""
    return (
        f'<tr class="event" id="{_e(event.id)}" data-year="{_year(event)}" data-sources="{len(event.sources)}">'
        f"<td>{_e(_dates(event))}</td><td><details><summary>{_e(event.name)}{badge}</summary>"
        f"<ul>{sources}</ul><table><tr><th>valeur</th><th>retenue</th><th>règle</th><th>pages</th>"
        f"<th>lu dans la page</th><th>autres valeurs</th></tr>{''.join(fields)}</table></details></td>"
        f"<td>{_e(where)}</td><td>{organisers}</td><td class='n'>{len(event.sources)}</td></tr>"
    )


def render(records: list[Record], events: list[NetworkEvent]) -> str:
    """The report's HTML for an output folder's ``records`` and network ``events``."""
    page_events = {f"{r.id}#{i}": e for r in records for i, e in enumerate(r.events)}
    sites = {s.site for e in events for s in e.sources if s.site}
    corrected = sum(1 for e in events if any(v.rule == "correction" for v in e.fields.values()))
    rows = "\n".join(_event_row(e, page_events) for e in events)
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Événements du réseau des centres de ressources politique de la ville</title>
<style>{_STYLE}</style></head><body>
<h1>Événements du réseau des centres de ressources politique de la ville</h1>
<p id="summary" data-events="{len(events)}" data-documents="{len(records)}"><b>{len(events)}</b> événements
tirés de <b>{len(records)}</b> pages de <b>{len(sites)}</b> sites ; {corrected} corrigés par la documentation
(corrections.toml). Chaque valeur dit d'où elle vient : ouvrir un événement.</p>
{_timeline(events)}
{_regions(events)}
{_most_cited(records)}
<h2>Événements</h2>
<p><input id="filter" type="search" placeholder="filtrer : ville, centre, mot…" aria-label="filtrer">
<span id="shown" data-count="{len(events)}">{len(events)}</span> affichés</p>
<table id="events"><thead><tr><th>dates</th><th>événement</th><th>lieu</th><th>organisateurs</th>
<th>pages</th></tr></thead><tbody>
{rows}
</tbody></table>
<script>{_SCRIPT}</script>
</body></html>
"""


def write(out_dir: Path) -> Path:
    """``out_dir/report.html`` from the folder's records and network events."""
    from .tables import read_outputs

    records, events = read_outputs(out_dir)
    path = out_dir / REPORT
    export.write_atomic(path, render(records, events))
    return path
