"""placeholder"""

from app.demo_year.stage import Scene

SCENES: list[Scene] = []
