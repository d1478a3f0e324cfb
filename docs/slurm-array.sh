#!/bin/bash
# Grade a class on a Slurm cluster: one array task per shard, all writing to one shared results
# folder, then one dependent job for the class's report.
#
#   jid=$(sbatch --parsable docs/slurm-array.sh /shared/submitted /shared/results)
#   sbatch --dependency=afterok:$jid --wrap ".venv/bin/grader report /shared/results --quiet"
#
# What `grader grade` reads (grader/batch.py, shard_from_env): SLURM_ARRAY_TASK_ID within
# SLURM_ARRAY_TASK_MIN..SLURM_ARRAY_TASK_MAX (every SLURM_ARRAY_TASK_STEP-th id) and
# SLURM_ARRAY_TASK_COUNT. `--array=0-7`, `1-8` and `0-14:2` are all 8 shards; a list with gaps
# (`--array=1,4,9`) is refused (pass --shard I/N yourself). A `%` limit (`0-7%2`) only throttles.
# A task that is requeued resumes: results already stored are kept. Run it from the course
# repository after `make setup` (bubblewrap installed on the compute nodes; see README.md).
#SBATCH --job-name=grade-class
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=01:00:00
#SBATCH --output=grade-class-%A_%a.log
set -euo pipefail
submitted=${1:?usage: sbatch docs/slurm-array.sh SUBMITTED RESULTS}
results=${2:?usage: sbatch docs/slurm-array.sh SUBMITTED RESULTS}
exec .venv/bin/grader grade "$submitted" --quiet --results "$results" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}"
