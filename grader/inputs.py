"""Inputs the hidden suites draw from a test's seeded `rng` (numpy Generator, grader/suite.py).

Built in the grader and sent to the worker as arguments (copies), so the same test gets the same
inputs for every submission.
"""
from __future__ import annotations

import numpy as np
import torch


def randn(rng: np.random.Generator, *shape: int, scale: float = 1.0,
          dtype=np.float32) -> torch.Tensor:
    """Standard normal draws of `shape` times `scale`, as a torch tensor of `dtype` (float32
    unless asked; np.float64 where gradients and dtypes are compared in double precision)."""
    return torch.from_numpy((rng.standard_normal(shape) * scale).astype(dtype))


def randn64(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    """`randn` in float64."""
    return randn(rng, *shape, scale=scale, dtype=np.float64)
