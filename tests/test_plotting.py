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


def _figure(layout=None):
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3), layout=layout)
    for ax in axes[:2]:
        ax.plot(rng.random(30), label="a")
        ax.set(title="a title", xlabel="a label", ylabel="y")
        ax.legend()
    im = axes[2].imshow(rng.random((8, 8)))
    fig.colorbar(im, ax=axes[2])
    fig.suptitle("suptitle")
    if layout is None:
        fig.tight_layout()
    return fig


def test_save_figure_writes_the_pixels_matplotlib_writes(tmp_path):
    """save_figure drops the placeholder layout engine ``tight_layout`` leaves (it costs savefig a second
    layout pass); the PNG must stay byte for byte what matplotlib writes, and a constrained layout must still
    be applied."""
    import io

    import matplotlib.pyplot as plt

    for layout in (None, "constrained"):
        fig = _figure(layout)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        plt.close(fig)
        path = save_figure(_figure(layout), tmp_path / f"f_{layout}")
        assert path.read_bytes() == buf.getvalue(), layout
    assert (tmp_path / "f_None.png").read_bytes() != (tmp_path / "f_constrained.png").read_bytes()
