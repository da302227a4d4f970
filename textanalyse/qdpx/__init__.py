"""REFI-QDA exchange with NVivo, MAXQDA, ATLAS.ti and QualCoder: ``.qdpx`` projects and ``.qdc`` codebooks.

Modules: ``ids`` (GUIDs, timestamps, colours), ``model`` (the project as data), ``write``
(``project.qde`` and the archive), ``build`` (materials to a project; ``turns`` places
transcript turns in the original text), ``codebook`` (code trees, ``.qdc``, our YAML),
``export`` (config or run to files), ``read`` (any tool's files to a project) and
``importer`` (a project to a codebook and a coding table).
"""
