"""`pip install .`: the package python/phylane and its compiled module phylane._core, built by CMake
(the project's own build, target phylane_python) in build/pip (PHYLANE_PIP_BUILD_DIR to change it)
with PHYLANE_PIP_JOBS parallel jobs (default 2). docs/python.md, "Installing with pip"."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SOURCE = pathlib.Path(__file__).resolve().parent


def version():
    """The version of CMake's project() (what phylane.__version__ reports)."""
    text = (SOURCE / "CMakeLists.txt").read_text()
    return re.search(r"project\(phylane VERSION ([0-9.]+)", text).group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = pathlib.Path(os.environ.get("PHYLANE_PIP_BUILD_DIR", SOURCE / "build" / "pip"))
        jobs = os.environ.get("PHYLANE_PIP_JOBS", "2")
        subprocess.run(["cmake", "-S", str(SOURCE), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", "-DPHYLANE_PYTHON=ON",
                        f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "phylane_python", "-j", jobs], check=True)
        built = sorted((build / "python" / "phylane").glob("_core*.so"))
        if not built:
            raise RuntimeError(f"the CMake build left no phylane/_core*.so in {build / 'python'}")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


# setuptools' own build folder beside CMake's, not inside the project's build/ tree.
setup(version=version(), ext_modules=[Extension("phylane._core", sources=[])], cmdclass={"build_ext": CMakeBuild},
      options={"build": {"build_base": str(SOURCE / "build" / "pip-setuptools")}})
