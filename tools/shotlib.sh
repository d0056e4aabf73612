# shotlib.sh - a page as a person sees it, for docs/img: sourced by
# report_shots.sh and dash_shots.sh.
command -v chromium >/dev/null ||
	{ echo "$(basename "$0"): needs chromium" >&2; exit 1; }

# shot URL WIDTH HEIGHT PNG: the page in headless Chromium at that window
shot() {
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size="$2,$3" --screenshot="$4" "$1" >/dev/null 2>&1
}
