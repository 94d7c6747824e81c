"""The rules of docs/architecture.md, checked on the source with `ast`: who may import whom,
no import cycle, where the network and SQL live, and how long a file or a command may grow.

Every `import` counts, those inside functions too. A package's `__init__` runs before its
modules, but is not counted as imported by them: an `__init__` imports only its own
modules or lower ones (cli/__init__ assembles the command groups, store/__init__ opens a
store, sources/__init__ lists the formats)."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "paperwire"

# lowest first; a module may import its own layer and the ones below, never one above
LAYERS = (
    ("domain", ("paperwire", "paperwire.domain", "paperwire.clock", "paperwire.identity",
                "paperwire.record_rules", "paperwire.code_links", "paperwire.venues")),
    ("sources and store", ("paperwire.sources", "paperwire.store")),
    ("ingest, index and embedding", ("paperwire.ingest", "paperwire.index",
                                     "paperwire.embedding", "paperwire.model_build",
                                     "paperwire.config")),
    ("services", ("paperwire.services",)),
    ("shells", ("paperwire.web", "paperwire.cli")),
)
NEIGHBOURS_APART = (("paperwire.sources", "paperwire.store"), ("paperwire.web", "paperwire.cli"))

# services' rooms: a package, or "shared" for the modules at services' top (errors,
# markdown, names, holders); library, which every service is handed, is a room of its own
SERVICES_MAY_IMPORT = {
    "shared": set(),
    "library": {"personal"},  # the candidate pool it holds per process, as it holds the indexes
    "glance": {"shared", "library"},  # keywords, gist, venue: made by intake, shown by discovery
    "fieldmap": {"shared", "library", "glance"},  # the map; glance's phrases label its topics
    "discovery": {"shared", "library", "glance", "fieldmap"},
    "personal": {"shared"},
    "intake": {"shared", "library", "glance"},
    "mail": {"shared", "library", "discovery", "personal"},
    "community": {"shared", "library", "mail"},
    "operations": {"shared", "library", "intake", "mail", "fieldmap", "personal"},
}

# who may open a connection, and to what
NETWORK = {
    "httpx": ("paperwire.sources",),  # harvesting: every HTTP request goes out from sources/
    "smtplib": ("paperwire.services.mail.mailer",),  # mail delivery, the one SMTP client
    "ssl": ("paperwire.services.mail.mailer",),  # its TLS
    "socket": ("paperwire.services.holders",  # socket.gethostname only (checked below)
               "paperwire.cli.serve"),  # binds the workers' listening sockets
    "uvicorn": ("paperwire.cli.serve",),  # `paperwire serve` listens; it connects nowhere
}
NEVER = ("urllib.request", "http.client", "http.server", "socketserver", "requests",
         "aiohttp", "ftplib", "imaplib", "poplib", "smtpd", "telnetlib", "xmlrpc")
DATABASE = ("sqlite3", "psycopg", "psycopg_pool", "yoyo")  # only in paperwire.store
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|INDEX)|"
                 r"DROP (TABLE|INDEX)|ALTER TABLE|PRAGMA|ORDER BY|GROUP BY|ON CONFLICT|"
                 r"coalesce\(|julianday\(|pg_\w+\()")
MAX_LINES = 400  # every source file stays under this
MAX_COMMAND_LINES = 60  # no function of the command line is longer


@cache
def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(), str(modules()[name]))


@cache
def imports(name: str) -> tuple[tuple[str, int], ...]:
    """(imported module, line) for every import in the module, paperwire's or not."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for a in node.names:
                out.append((f"{base}.{a.name}" if f"{base}.{a.name}" in modules() else base,
                            node.lineno))
    return tuple(out)


def ours(name: str) -> list[tuple[str, int]]:
    """The paperwire modules this one imports."""
    return [(target, line) for target, line in imports(name) if target in modules()]


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer(name: str) -> int:
    matches = [(len(prefix), n) for n, (_, prefixes) in enumerate(LAYERS) for prefix in prefixes
               if name == prefix or (prefix != "paperwire" and within(name, prefix))]
    assert matches, f"{name} is in no layer of LAYERS: give it one (and docs/architecture.md)"
    return max(matches)[1]


def room(name: str) -> str:
    parts = name.split(".")
    if modules()[f"paperwire.services.{parts[2]}"].name == "__init__.py":
        return parts[2]
    return "library" if parts[2] == "library" else "shared"


def test_no_module_imports_a_layer_above_its_own():
    wrong = [f"{name}:{line} imports {target} ({LAYERS[layer(target)][0]} is above "
             f"{LAYERS[layer(name)][0]})"
             for name in modules() for target, line in ours(name) if layer(target) > layer(name)]
    assert not wrong, "\n".join(wrong)


def test_neighbours_keep_apart():
    """A source parses, never writes to the store (ingest does); the web and the command
    line are two shells over the same services."""
    wrong = [f"{name}:{line} imports {target}" for a, b in NEIGHBOURS_APART
             for one, other in ((a, b), (b, a))
             for name in modules() if within(name, one)
             for target, line in ours(name) if within(target, other)]
    assert not wrong, "\n".join(wrong)


def test_services_rooms_import_in_one_direction():
    services = [n for n in modules() if within(n, "paperwire.services") and n.count(".") >= 2]
    wrong = [f"{name}:{line} ({room(name)}) imports {target} ({room(target)})"
             for name in services for target, line in ours(name)
             if within(target, "paperwire.services") and target != "paperwire.services"
             and room(target) != room(name) and room(target) not in SERVICES_MAY_IMPORT[room(name)]]
    assert not wrong, "\n".join(wrong)


def test_each_services_package_says_what_it_holds_and_may_import():
    """Its docstring: a line of what lives there, a line 'May import: …; why' naming, before
    its first ';', exactly the rooms SERVICES_MAY_IMPORT allows it."""
    packages = [n for n in modules() if n.count(".") == 2 and within(n, "paperwire.services")
                and modules()[n].name == "__init__.py"]
    assert set(packages) == {f"paperwire.services.{r}" for r in SERVICES_MAY_IMPORT} - {
        "paperwire.services.shared", "paperwire.services.library"}
    for name in packages:
        doc = ast.get_docstring(_tree(name)) or ""
        said = next((ln for ln in doc.splitlines() if ln.startswith("May import:")), None)
        assert said is not None, f"{name}'s docstring has no 'May import:' line"
        named = {r for r in SERVICES_MAY_IMPORT if re.search(rf"\b{r}\b", said.split(";")[0])}
        assert named == SERVICES_MAY_IMPORT[room(name + ".x")], (name, said)


def test_no_import_cycle():
    graph = {name: sorted({t for t, _ in ours(name) if t != name}) for name in modules()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in graph[name]:
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = 2
        return None

    for name in graph:
        if name not in state:
            cycle = visit(name)
            assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_the_network_is_reached_only_from_its_places():
    wrong = []
    for name in modules():
        for target, line in imports(name):
            top = [m for m in (*NETWORK, *NEVER) if within(target, m)]
            if any(within(target, m) for m in NEVER):
                wrong.append(f"{name}:{line} imports {target}: nowhere in paperwire")
            elif top and not any(within(name, place) for place in NETWORK[top[0]]):
                wrong.append(f"{name}:{line} imports {target}: only {NETWORK[top[0]]} may")
    assert not wrong, "\n".join(wrong)
    for name in ("paperwire.services.holders",):  # a lock holder's host name; no socket opened
        used = {n.attr for n in ast.walk(_tree(name)) if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name) and n.value.id == "socket"}
        assert used == {"gethostname"}, (name, used)


def test_only_the_store_runs_sql():
    wrong = []
    for name in modules():
        if within(name, "paperwire.store"):
            continue
        wrong += [f"{name}:{line} imports {target}" for target, line in imports(name)
                  if any(within(target, db) for db in DATABASE)]
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("execute", "executemany", "executescript"):
                wrong.append(f"{name}:{node.lineno} calls .{node.func.attr}()")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SQL.search(node.value):
                wrong.append(f"{name}:{node.lineno} writes SQL: {node.value[:60]!r}")
    assert not wrong, "\n".join(wrong)


def test_files_stay_short():
    long = [f"{path.relative_to(SRC)}: {n} lines" for path in modules().values()
            if (n := len(path.read_text().splitlines())) >= MAX_LINES]
    assert not long, "\n".join(long)


def test_commands_stay_thin():
    long = [f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for name in modules() if within(name, "paperwire.cli")
            for node in ast.walk(_tree(name))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_COMMAND_LINES]
    assert not long, "\n".join(long)
