"""Kept for the nbgrader_config.py of existing course copies, which import
`grader.nbgrader_plugin.configure` (and may name its classes in their config): the nbgrader glue
lives in grader/nbgrader/plugin.py."""
from grader.nbgrader.plugin import (
                                    CourseDeadlines,
                                    CourseLatePenalty,
                                    EngineGrades,
                                    GatedReleaseAssignment,
                                    LmsFileNames,
                                    RepairMetadata,
                                    configure,
)

__all__ = ["CourseDeadlines", "CourseLatePenalty", "EngineGrades", "GatedReleaseAssignment",
           "LmsFileNames", "RepairMetadata", "configure"]
