"""Code that two or more capabilities share, and nothing else."""
