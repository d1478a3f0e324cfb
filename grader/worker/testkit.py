"""Helper objects a hidden test may send to the worker as arguments (picklable markers)."""


class TorchGenerator:
    """Stands for `torch.Generator().manual_seed(seed)`; the worker makes the real generator."""

    def __init__(self, seed):
        self.seed = seed

    def __worker_resolve__(self):
        import torch

        return torch.Generator().manual_seed(self.seed)
