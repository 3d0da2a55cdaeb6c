"""ci/report's package: turns Meson test logs and gtest XML into a procsig
report (report.json, report.md, index.html) and merges several runs into one
matrix. Standard library only, Python 3.7 or newer."""
