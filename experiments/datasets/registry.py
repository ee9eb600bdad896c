"""Where each dataset comes from: canonical URLs and pinned sha256 (see shared/data/README.md).

Files live in the data folder with the same relative paths as here
(``odds/cardio.mat``, ``mnist/train-images-idx3-ubyte.gz``), so pointing
``MIMGAN_DATA`` at a folder laid out like the project's shared data works.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemoteFile:
    relpath: str
    url: str
    sha256: str


_MNIST = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_ODDS_CITATION = ("Shebuti Rayana (2016). ODDS Library [http://odds.cs.stonybrook.edu]. Stony Brook, NY: "
                  "Stony Brook University, Department of Computer Science.")

#: name -> (kind, files, citation)
DATASETS: dict[str, dict] = {
    "cardio": {"kind": "odds", "files": [RemoteFile(
        "odds/cardio.mat", "https://www.dropbox.com/s/galg3ihvxklf0qi/cardio.mat?dl=1",
        "5e568b6a73711012c481fa6cc984ab9c68e9a4fa44d6aeb3b43efa381c3f695b")],
        "citation": _ODDS_CITATION, "shape": (1831, 21), "outliers": 176},
    "thyroid": {"kind": "odds", "files": [RemoteFile(
        "odds/thyroid.mat", "https://www.dropbox.com/s/bih0e15a0fukftb/thyroid.mat?dl=1",
        "49155d7861b977e90808faf68343ff67a67f63090c2744d514dbb67ac68e7e33")],
        "citation": _ODDS_CITATION, "shape": (3772, 6), "outliers": 93},
    "musk": {"kind": "odds", "files": [RemoteFile(
        "odds/musk.mat", "https://www.dropbox.com/s/we6aqhb0m38i60t/musk.mat?dl=1",
        "50bbf414caceb66cfe6f6b1eb7c1ff7c6eb1e6d87173f7bb597ba55cd3dc5493")],
        "citation": _ODDS_CITATION, "shape": (3062, 166), "outliers": 97},
    "mnist": {"kind": "mnist", "files": [
        RemoteFile("mnist/train-images-idx3-ubyte.gz", _MNIST + "train-images-idx3-ubyte.gz",
                   "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        RemoteFile("mnist/train-labels-idx1-ubyte.gz", _MNIST + "train-labels-idx1-ubyte.gz",
                   "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        RemoteFile("mnist/t10k-images-idx3-ubyte.gz", _MNIST + "t10k-images-idx3-ubyte.gz",
                   "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        RemoteFile("mnist/t10k-labels-idx1-ubyte.gz", _MNIST + "t10k-labels-idx1-ubyte.gz",
                   "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")],
        "citation": "Y. LeCun, C. Cortes, C. J. C. Burges, The MNIST database of handwritten digits (CC BY-SA 3.0)",
        "shape": (70000, 784)},
}


def dataset_names():
    return sorted(DATASETS)


def get_spec(name: str) -> dict:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {dataset_names()} or a path to a .mat file")
    return DATASETS[name]
