"""The objective spec grammar: ``NAME[:KEY=VALUE[,KEY=VALUE...]]``, parsed once into a :class:`Spec`.

``"mim:omega=2,bounded=false"`` names the MIM objective with two options.  A
value is read as a boolean (true/false/yes/no), an integer, a float, or else a
word; the canonical string sorts the options, so two spellings of one
objective are one spec (and one run id).  Whether a name is registered and its
options are valid is decided by :func:`nn.objectives.get_objective`, not here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


def parse_value(text: str):
    low = text.strip().lower()
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def format_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Spec:
    """An objective's name and options: the value a spec string is parsed into once, at the edge.

    ``str(spec)`` is the canonical string (options sorted), which records and file names keep.
    """

    name: str
    options: tuple = ()

    @classmethod
    def of(cls, value) -> "Spec":
        """``value`` itself if it is a Spec, else the Spec its string parses to."""
        return value if isinstance(value, Spec) else _parse(value)

    @classmethod
    def make(cls, name: str, options: dict) -> "Spec":
        return cls(name, tuple(sorted(options.items())))

    @property
    def opts(self) -> dict:
        return dict(self.options)

    def __str__(self) -> str:
        if not self.options:
            return self.name
        return self.name + ":" + ",".join(f"{k}={format_value(v)}" for k, v in self.options)


@lru_cache(maxsize=4096)
def _parse(text) -> Spec:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"an objective spec is a non-empty string such as 'mim' or 'mim:omega=2', got {text!r}")
    name, _, rest = text.strip().partition(":")
    opts = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, val = item.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"bad option {item!r} in objective spec {text!r}: expected KEY=VALUE")
        if key.strip() in opts:  # keeping the last one silently would train another objective than typed
            raise ValueError(f"option {key.strip()!r} is given twice in objective spec {text!r}")
        opts[key.strip()] = parse_value(val)
    return Spec.make(name.strip(), opts)


def split_spec(spec) -> tuple[str, dict]:
    """``"mim:omega=2,bounded=false"`` -> ``("mim", {"bounded": False, "omega": 2})``."""
    s = Spec.of(spec)
    return s.name, s.opts


def make_spec(name: str, options: dict) -> str:
    """The canonical spec string of ``name`` with ``options`` (sorted, values as given)."""
    return str(Spec.make(name, options))


def split_list(text: str, every=()) -> list[str]:
    """Split a comma-separated list of specs; a ``KEY=VALUE`` piece continues the spec before it.

    ``"lsgan:a=-1,b=1,mim"`` -> ``["lsgan:a=-1,b=1", "mim"]``; ``"all"`` -> ``list(every)``.
    """
    out = []
    for piece in (s.strip() for s in text.split(",")):
        if not piece:
            continue
        if "=" in piece and ":" not in piece and out:
            out[-1] += "," + piece
        else:
            out.append(piece)
    if out == ["all"] and every:
        return list(every)
    return out
