"""Rewrites the outputs of the `$ …` examples in the README's `bdl` section with what the
built `bdl` prints (run from the repository root after `swift build -c release`):

    python3 Examples/bdl/update-readme.py

Each command runs with sh in a copy of Examples/bdl, in order, standard error merged. An
example whose output the README cuts with a last line `…` keeps its first paragraph (up to
the first blank line). `--temperature T` is replaced by the temperature printed last.
Figures drawn by the examples are copied back into Examples/bdl. BDLReadmeTests checks the
result.
"""
import os, re, shutil, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tools = os.path.join(root, ".build", "release")
readme_path = os.path.join(root, "README.md")
text = open(readme_path).read()
start = text.index("\n## `bdl`")
end = text.index("\n## ", start + 1)
section = text[start:end]

work = tempfile.mkdtemp()
examples = os.path.join(work, "bdl")
shutil.copytree(os.path.join(root, "Examples", "bdl"), examples)
env = dict(os.environ, PATH=tools + ":" + os.environ["PATH"])
temperature = None

def run(command):
    global temperature
    out = subprocess.run(["/bin/sh", "-c", command + " 2>&1"], cwd=examples, env=env,
                         capture_output=True, text=True).stdout
    out = out.replace(examples, ".").rstrip("\n").split("\n")
    for line in out:
        m = re.match(r"temperature\s+= (\S+) ", line)
        if m:
            temperature = m.group(1)
    return out

lines = section.split("\n")
result = []
i = 0
in_block = False
while i < len(lines):
    line = lines[i]
    if line.startswith("```"):
        in_block = not in_block
        result.append(line)
        i += 1
        continue
    if in_block and line.startswith("$ ") and "   $ " not in line:
        command = line[2:]
        if "--temperature " in command and temperature:
            command = re.sub(r"--temperature \S+", "--temperature " + temperature, command)
        # The old output: up to the next command or the end of the block.
        j = i + 1
        while j < len(lines) and not lines[j].startswith("$ ") and not lines[j].startswith("```"):
            j += 1
        old = lines[i + 1:j]
        cut = bool(old) and [l for l in old if l.strip()][-1:] == ["…"]
        out = run(command)
        if cut:
            out = out[:out.index("")] if "" in out else out
            out.append("…")
        following_command = j < len(lines) and lines[j].startswith("$ ")
        result.append("$ " + command)
        result.extend(out)
        if following_command:
            result.append("")
        i = j
        continue
    result.append(line)
    i += 1

new_section = "\n".join(result)
open(readme_path, "w").write(text[:start] + new_section + text[end:])
for name in ("reliability.png", "reliability.gp", "calibration.png", "calibration.gp"):
    source = os.path.join(examples, name)
    if os.path.exists(source):
        shutil.copy(source, os.path.join(root, "Examples", "bdl", name))
shutil.rmtree(work)
print("README.md: bdl examples rewritten")
