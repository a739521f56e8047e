# sh check_scripts_executable.sh SOURCE_DIR
# The README runs the scripts directly (scripts/quickstart.sh, scripts/plot_profiles.py
# ...): every file of scripts/ that starts with #! must be executable.
status=0
n=0
for f in "$1"/scripts/*; do
  if [ "$(head -c 2 "$f")" = "#!" ]; then
    n=$((n + 1))
    if [ ! -x "$f" ]; then
      echo "not executable: $f (git update-index --chmod=+x)"
      status=1
    fi
  fi
done
echo "$n scripts checked"
[ "$n" -gt 0 ] || status=1
exit $status
