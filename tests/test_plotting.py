"""Figures: PNG unless PDF is asked for, and drawn again only when what they show (or how) changed."""
import numpy as np

from mimgan.experiments.plotting import drawn_from_inputs, pdf_figures, save_figure

CALLS = []


@drawn_from_inputs
def toy_figure(records, path_stem, title="t"):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    CALLS.append(title)
    fig, ax = plt.subplots()
    ax.plot(np.asarray(records, float))
    ax.set_title(title)
    return save_figure(fig, path_stem)


def test_a_figure_is_drawn_again_only_when_its_inputs_or_formats_change(tmp_path):
    stem = tmp_path / "toy"
    CALLS.clear()
    png = toy_figure([1, 2, 3], stem)
    assert png == tmp_path / "toy.png" and png.stat().st_size > 500 and not (tmp_path / "toy.pdf").exists()
    assert toy_figure([1, 2, 3], stem) == png and len(CALLS) == 1  # same inputs: the figure drawn before
    toy_figure([1, 2, 4], stem)
    toy_figure([1, 2, 4], stem, title="other")
    assert len(CALLS) == 3
    png.unlink()
    toy_figure([1, 2, 4], stem, title="other")  # a missing file is drawn again
    assert len(CALLS) == 4
    with pdf_figures():
        toy_figure([1, 2, 4], stem, title="other")  # a format not written yet
    assert len(CALLS) == 5 and (tmp_path / "toy.pdf").exists()
    big = np.arange(1e5).reshape(100, 1000)
    toy_figure(big[:, :3], stem)
    toy_figure(big[:, :3].copy(), stem)  # arrays compare by content
    assert len(CALLS) == 6
