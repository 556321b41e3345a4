"""The real bundled all-MiniLM-L6-v2 model through Embedder."""

import numpy as np

from vectors.embedder import Embedder
from vectors.settings import VectorSettings


def test_bundled_model_has_384_dimensions(embedder):
    assert embedder.dimension == 384
    assert embedder.model_name.endswith("model")


def test_encode_returns_float32_unit_rows(embedder):
    vectors = embedder.encode(
        [
            "A crew robs a casino.",
            "Ships fight over a galaxy.",
            "A quiet family drama.",
        ],
        batch_size=2,
    )
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encode_empty_input_keeps_dimension(embedder):
    assert embedder.encode([]).shape == (0, 384)


def test_heist_sentences_are_closer_to_each_other_than_to_space_opera(embedder):
    heist, other_heist, space_opera = embedder.encode(
        [
            "A team of thieves plans an elaborate bank vault robbery.",
            "Crooks assemble a crew to steal diamonds from a guarded casino safe.",
            "Rebel starships battle an evil galactic empire across distant planets.",
        ]
    )
    assert float(heist @ other_heist) > float(heist @ space_opera) + 0.1


def test_batch_size_does_not_change_vectors(embedder):
    texts = [f"Movie number {index} about a heist." for index in range(5)]
    assert np.allclose(
        embedder.encode(texts, batch_size=1),
        embedder.encode(texts, batch_size=5),
        atol=1e-5,
    )


def test_explicit_local_model_path_loads_offline(embedder):
    same_model = Embedder(VectorSettings(embedding_model=embedder.model_name))
    assert same_model.dimension == 384
    assert np.allclose(same_model.encode(["heist"]), embedder.encode(["heist"]), atol=1e-5)
