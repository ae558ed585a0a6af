import numpy as np
from mobench_example_adapter import FeatureRidge, features


def test_feature_ridge_conforms(mobench_conformance):
    mobench_conformance("feature-ridge")  # entry point, params, determinism, bad input, compute


def test_features_by_hand():
    # "```x```" : 7 chars, 1 line, a fence, no docstring, no comment
    assert np.allclose(features("```x```"), [1.0, np.log(8.0), 0.1, 1.0, 0.0, 0.0])


def test_default_params():
    assert FeatureRidge().params.alpha == 1.0
