# demo_org.sh - the demo's organisation: the 19 shipped units, each with an
# electricity sub-meter, five bureaus' printers, one water meter shared by
# all, and monthly manual entries (reams issued, fuel, waste). Sourced by
# tools/demo.sh, which sets BIN, ROOT, RUN, MQTT and MODBUS.
#
# Use changes on 1 October 2025, the start of FY2569, so that FY2569 differs
# from its baseline FY2568 (the shipped organisation's): each unit's
# electricity by the % in column 3, its reams by column 4 (negative: less).

# id  power_kW  electricity_change_%  reams_change_%  reams_a_month
DEMO_UNITS="president-office 9 -4 -12 40
public-relations 11 2 -6 55
central-admin 30 -7 -15 90
finance-budget 10 -3 -22 70
foreign-affairs 10 -9 -25 45
academic 14 1 -8 80
meetings 15 -2 -58 160
oversight 9 -5 -10 35
committee-1 17 3 -4 95
committee-2 16 -1 -9 90
committee-3 16 0 -14 85
legal 8 -6 -18 50
foreign-languages 7 -8 -30 30
hrd 10 4 5 45
ict 22 6 -11 40
minutes 18 -4 -27 120
printing 25 -2 -6 400
policy-planning 8 -10 -20 35
internal-audit 3 -3 -16 12"

# Printers with a sheet counter: meter id, bureau, sheets an hour at full
# load, change % from FY2569.
DEMO_PRINTERS="printing-press printing 3000 -5
meetings-mfp meetings 400 -60
finance-budget-mfp finance-budget 250 -20
committee-1-mfp committee-1 300 -3
ict-mfp ict 120 -10"

DEMO_FROM=2024-10-01        # the baseline year FY2568 starts
DEMO_CHANGE=2025-10-01      # FY2569 starts

# The gm-sim gateway: Modbus units 1.. in the order written here.
demo_sim_conf() {
	local u=1 id kw ec rc reams m unit rate pc
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$MODBUS" "$ROOT"
	while read -r id kw ec rc reams; do
		printf '[meter %s-power]\nunit = %d\nmodel = sdm120\nseed = %d\nload = %s\nstart = 20000\nstart_at = %s\n' \
			"$id" "$u" "$((100 + u))" "$kw" "$DEMO_FROM"
		printf 'load_change_at = %s\nload_after = %s\n' "$DEMO_CHANGE" \
			"$(awk -v k="$kw" -v c="$ec" 'BEGIN { print k * (1 + c / 100) }')"
		u=$((u + 1))
	done <<<"$DEMO_UNITS"
	while read -r m unit rate pc; do
		printf '[meter %s]\nunit = %d\nmodel = printer-counter\nseed = %d\nload = %s\n' \
			"$m" "$u" "$((100 + u))" "$rate"
		printf 'load_change_at = %s\nload_after = %s\n' "$DEMO_CHANGE" \
			"$(awk -v k="$rate" -v c="$pc" 'BEGIN { print k * (1 + c / 100) }')"
		u=$((u + 1))
	done <<<"$DEMO_PRINTERS"
	printf '[meter building-water]\nunit = %d\nmodel = water-pulse\nseed = 13\nload = 4\n' "$u"
}

# The live simulator's config: the demo's, with the printers' gateway
# (gw-printers) not answering from `from` until `until` (unix): the fault the
# demo shows, one alert for the five printers and one "resolved".
demo_sim_live() { # from until
	awk -v from="$1" -v until="$2" -v printers="$(echo "$DEMO_PRINTERS" | awk '{ print $1 }' | tr '\n' ' ')" '
		{ print }
		/^\[meter / {
			m = $2; sub(/\]$/, "", m)
			if ((" " printers " ") ~ (" " m " "))
				printf "fault = timeout\nfault_from = @%d\nfault_until = @%d\n", from, until
		}' "$RUN/sim.conf"
}

# Every polled meter for gm-agent: "meter:model" lines, unit numbers in order.
demo_meters() {
	local id rest m
	while read -r id rest; do echo "$id-power:sdm120"; done <<<"$DEMO_UNITS"
	while read -r m rest; do echo "$m:printer-counter"; done <<<"$DEMO_PRINTERS"
	echo "building-water:water-pulse"
}

# The shipped organisation with the demo's meters mapped, in $RUN/org.
demo_org() {
	local id rest m unit water=""
	cp -r "$ROOT/dashboards/org/senate" "$RUN/org"
	{
		printf '\n[meters]\n; written by tools/demo_org.sh\n'
		while read -r id rest; do
			printf 'parliament/%s-power/import_kwh = electricity from %s %s\n' "$id" "$DEMO_FROM" "$id"
			printf 'parliament/stores/%s-reams = paper_reams from %s %s\n' "$id" "$DEMO_FROM" "$id"
			water="$water $id $(awk -v id="$id" '$0 == "[unit " id "]" { s = 1 } s && /^headcount 2569/ { print $4; exit }' \
				"$RUN/org/organisation.ini")"
		done <<<"$DEMO_UNITS"
		while read -r m unit rest; do
			printf 'parliament/%s/sheets = paper_printed from %s %s\n' "$m" "$DEMO_FROM" "$unit"
		done <<<"$DEMO_PRINTERS"
		# the building's water is shared by headcount
		printf 'parliament/building-water/volume_m3 = water from %s%s\n' "$DEMO_FROM" "$water"
		printf 'parliament/stores/vehicles-fuel = fuel from %s central-admin\n' "$DEMO_FROM"
		# the canteen's own supply, its dial read by the caretaker each month
		printf 'parliament/canteen-water/volume_m3 = water from %s central-admin\n' "$DEMO_FROM"
		# the building's landfilled waste, weighed monthly, shared by headcount
		printf 'parliament/stores/building-waste = waste from %s%s\n' "$DEMO_FROM" "$water"
	} >>"$RUN/org/organisation.ini"
	demo_registry >>"$RUN/org/organisation.ini"
}

# The unit's name in the organisation file: unit_name <id> th|en
unit_name() {
	awk -v id="$1" -v k="$2" '$0 == "[unit " id "]" { s = 1; next } /^\[/ { s = 0 }
		s && $1 == k { sub(/^[^=]*= */, ""); print; exit }' "$RUN/org/organisation.ini"
}

# The demo's meters as the facilities staff know them ([meter] sections):
# each unit's power sub-meter in its floor's electrical cabinet, the
# printers, the building's water meter and the stores' monthly entries.
demo_registry() {
	local id rest m unit i=0 floor
	local house='อาคารรัฐสภา (สัปปายะสภาสถาน) | Parliament House (Sappaya-Sapasathan)'
	printf '\n; the meters as people know them, written by tools/demo_org.sh\n'
	while read -r id rest; do
		i=$((i + 1))
		floor=$((i % 9 + 1))
		printf '[meter parliament/%s-power]\nth = มิเตอร์ไฟฟ้า %s\nen = Power meter, %s\n' \
			"$id" "$(unit_name "$id" th)" "$(unit_name "$id" en)"
		printf 'building = %s\nfloor = %d\nroom = ตู้ไฟฟ้า %d-%02d | Electrical cabinet %d-%02d\n' \
			"$house" "$floor" "$floor" "$i" "$floor" "$i"
		printf 'model = sdm120\nserial = SDM120-25%04d\ngateway = gw-sim\n' "$i"
		printf 'limits = voltage 200..250\n'   # Thai supply: 230 V +-10 %, with room
	done <<<"$DEMO_UNITS"
	while read -r m unit rest; do
		if [ "$m" = printing-press ]; then
			printf '[meter parliament/%s]\nth = เครื่องพิมพ์ออฟเซ็ต โรงพิมพ์\nen = Offset press, printing house\n' "$m"
			printf 'building = อาคารโรงพิมพ์ | Printing House\nfloor = 1\n'
		else
			printf '[meter parliament/%s]\nth = เครื่องพิมพ์มัลติฟังก์ชัน %s\nen = Multifunction printer, %s\n' \
				"$m" "$(unit_name "$unit" th)" "$(unit_name "$unit" en)"
			printf 'building = %s\nfloor = 3\n' "$house"
		fi
		printf 'model = printer-counter\ngateway = gw-printers\n'
	done <<<"$DEMO_PRINTERS"
	printf '[meter parliament/building-water]\nth = มิเตอร์น้ำประปารวมของอาคาร\nen = Building water meter\n'
	printf 'building = %s\nfloor = B1\nroom = ห้องเครื่องสูบน้ำ | Pump room\nmodel = water-pulse\ngateway = gw-sim\n' "$house"
	printf '[meter parliament/canteen-water]\nth = มาตรน้ำประปาโรงอาหาร (จดค่าด้วยมือ)\n'
	printf 'en = Canteen water meter (read by hand)\nbuilding = %s\nfloor = 1\nread = hand\n' "$house"
	printf '[meter parliament/stores]\nth = บันทึกประจำเดือนของงานพัสดุ (กระดาษ น้ำมัน ขยะ)\n'
	printf 'en = Stores: monthly entries (paper, fuel, waste)\nbuilding = อาคารคลังพัสดุ | Stores building\n'
}

# The channels a meter model publishes: its [channel] sections.
model_channels() { sed -n 's/^\[channel \(.*\)\]$/\1/p' "$ROOT/devices/$1.conf"; }

# One channel's readings from `from` to `to` (unix) every `step` s, as the
# simulator's meter had them, through the broker as an agent replaying its
# spool would send them.
demo_publish() { # meter channel from to step
	"$BIN/gm-sim" -c "$RUN/sim.conf" --history "$1" "$2" "@$3" "@$4" "$5" |
		mosquitto_pub -p "$MQTT" -q 1 -t "greenmeter/v1/parliament/$1/$2" -l
}

# History up to `until` (a quarter hour), every 15 min: each meter's main
# channel (the one reports read) from DEMO_FROM, the others from the start
# of the month or of yesterday, whichever is earlier, so that yesterday's,
# today's and the month's figures are whole. Prints how many channels got
# readings.
demo_history() { # until
	local m model c main n=0 from month day
	from=$(date -d "$DEMO_FROM" +%s)
	# the office's month and day, whatever the machine's zone
	month=$(TZ=Asia/Bangkok date -d "$(TZ=Asia/Bangkok date -d "@$1" +%Y-%m-01)" +%s)
	day=$(TZ=Asia/Bangkok date -d "$(TZ=Asia/Bangkok date -d "@$1" +%Y-%m-%d) -1 day" +%s)
	[ "$day" -lt "$month" ] && month=$day
	while IFS=: read -r m model; do
		main=$(model_channels "$model" | grep -m1 -x 'import_kwh\|sheets\|volume_m3')
		for c in $(model_channels "$model"); do
			if [ "$c" = "$main" ]; then
				demo_publish "$m" "$c" "$from" "$1" 900
			elif [ "$month" -lt "$1" ]; then
				demo_publish "$m" "$c" "$month" "$1" 900
			else
				continue
			fi
			n=$((n + 1))
		done
	done < <(demo_meters)
	echo "$n"
}

# Every channel from `from` to `to`, every minute: the readings between the
# history and the live agent, so that no meter starts stale or incomplete.
demo_bridge() { # from to
	local m model c
	while IFS=: read -r m model; do
		for c in $(model_channels "$model"); do
			demo_publish "$m" "$c" "$1" "$2" 60
		done
	done < <(demo_meters)
}

# Monthly manual entries up to the last whole month before `until`: each at
# its month's end, as facilities staff enter them.
demo_entries() { # until
	local id kw ec rc reams k end v
	while read -r id kw ec rc reams; do
		k=0
		while end=$(date -d "$DEMO_FROM +$((k + 1)) month 00:00 +0700" +%s) && [ "$end" -le "$1" ]; do
			v=$(awk -v r="$reams" -v c="$rc" -v after="$([ "$end" -gt "$(date -d "$DEMO_CHANGE 00:00 +0700" +%s)" ] && echo 1 || echo 0)" \
				-v k="$k" 'BEGIN { x = r * (after ? 1 + c / 100 : 1) * (1 + 0.08 * sin(k)); printf "%d", x + 0.5 }')
			printf '{"t":%s,"v":%s,"unit":"reams","kind":"delta","seq":%d}\n' "$end" "$v" "$((k + 1))"
			k=$((k + 1))
		done | mosquitto_pub -p "$MQTT" -q 1 -t "greenmeter/v1/parliament/stores/$id-reams" -l
	done <<<"$DEMO_UNITS"
	k=0
	while end=$(date -d "$DEMO_FROM +$((k + 1)) month 00:00 +0700" +%s) && [ "$end" -le "$1" ]; do
		printf '{"t":%s,"v":%d,"unit":"L","kind":"delta","seq":%d}\n' "$end" "$((900 + (k * 37) % 200))" "$((k + 1))"
		k=$((k + 1))
	done | mosquitto_pub -p "$MQTT" -q 1 -t "greenmeter/v1/parliament/stores/vehicles-fuel" -l
	k=0
	while end=$(date -d "$DEMO_FROM +$((k + 1)) month 00:00 +0700" +%s) && [ "$end" -le "$1" ]; do
		printf '{"t":%s,"v":%d,"unit":"kg","kind":"delta","seq":%d}\n' "$end" "$((2400 + (k * 53) % 300 - 10 * k))" "$((k + 1))"
		k=$((k + 1))
	done | mosquitto_pub -p "$MQTT" -q 1 -t "greenmeter/v1/parliament/stores/building-waste" -l
	# the canteen's dial, read on the 1st of each month (as /entries sends a
	# reading: kind counter, numbered by its month since 2000-01)
	k=0 v=5000
	while end=$(date -d "$DEMO_FROM +$((k + 1)) month 00:00 +0700" +%s) && [ "$end" -le "$1" ]; do
		v=$((v + 40 + (k * 7) % 25))
		printf '{"t":%s,"v":%d,"unit":"m3","kind":"counter","every":2678400,"seq":%d}\n' "$end" "$v" \
			"$(( ($(TZ=Asia/Bangkok date -d "@$end" +%Y) - 2000) * 12 + 10#$(TZ=Asia/Bangkok date -d "@$end" +%m) ))"
		k=$((k + 1))
	done | mosquitto_pub -p "$MQTT" -q 1 -t "greenmeter/v1/parliament/canteen-water/volume_m3" -l
}

# Illustrative checklists for fiscal year `fy`: each unit scores every
# checklist indicator of the edition 1, except every k-th left at 0 (k from
# the unit's place in the list, so grades differ), and gives the cause of
# meeting or missing the electricity and paper targets. Made up for the demo, as the files say.
demo_checklists() { # fy
	local dir=$RUN/org/checklists/$1 i=0 id rest codes
	mkdir -p "$dir"
	codes=$(awk '/^\[indicator / { code = substr($2, 1, length($2) - 1); list[++n] = code }
		/^source *= *meter/ { meter[code] = 1 }
		END { for (i = 1; i <= n; i++) if (!meter[list[i]]) print list[i] }' "$RUN/org/criteria-2567.ini")
	while read -r id rest; do
		i=$((i + 1))
		{
			echo "; ILLUSTRATIVE checklist written by the demo (tools/demo_org.sh): made-up scores"
			echo "$codes" | awk -v k=$((3 + i % 9)) -v id="$id" -v fy="$1" '{
				printf "[%s]\nscore = %d\nevidence = GO-%s/%s/%s.pdf\n", $1, NR % k != 0, fy, id, $1 }'
			# in Thai, as a bureau writes it: why the target was met or missed
			printf '[cause electricity]\ntext = ชั่วโมงการประชุมเพิ่มขึ้นและเปิดใช้ห้องประชุมใหม่ ขณะที่เปลี่ยนหลอดไฟชั้น 4 เป็นหลอด LED แล้ว\n'
			printf 'plan = ปิดเครื่องปรับอากาศเวลา 16.30 น. และเปลี่ยนหลอด LED ให้ครบทุกชั้นภายในรอบถัดไป\n'
			printf '[cause paper]\ntext = ใช้ระบบสารบรรณอิเล็กทรอนิกส์และตั้งค่าเครื่องพิมพ์ให้พิมพ์สองหน้าเป็นค่าเริ่มต้น\n'
			printf 'plan = ส่งเอกสารประกอบการประชุมทางอิเล็กทรอนิกส์แทนการพิมพ์\n'
		} >"$dir/$id.ini"
	done <<<"$DEMO_UNITS"
}

# The Green Office action plan of fiscal year `fy` (KPI 1.4), all done and
# its results report submitted: a year that reaches level 5 once every
# unit has assessed itself. Made up for the demo, as the file says.
demo_plan() { # fy
	mkdir -p "$RUN/org/plans"
	cat >"$RUN/org/plans/$1.ini" <<PLAN
; ILLUSTRATIVE action plan written by the demo (tools/demo_org.sh)
[plan]
th = แผนปฏิบัติการขับเคลื่อนสู่การเป็นสำนักงานสีเขียว ประจำปีงบประมาณ พ.ศ. $1
en = Green Office action plan, fiscal year $1
approved = $(($1 - 544))-11-15
results_submitted = $(($1 - 543))-10-20
impacts = บุคลากรปิดไฟและเครื่องปรับอากาศช่วงพักกลางวัน ใช้เอกสารอิเล็กทรอนิกส์ในการประชุมมากขึ้น
problems = ข้อมูลกระดาษที่เบิกจากพัสดุของบางสำนักส่งล่าช้ากว่ากำหนด
obstacles = อาคารเก่าบางส่วนยังไม่มีมิเตอร์ไฟฟ้าย่อย ต้องปันส่วนจากมิเตอร์รวม
recommendations = ติดตั้งมิเตอร์ไฟฟ้าย่อยเพิ่ม และให้สำนักบันทึกข้อมูลกระดาษผ่านระบบภายในวันที่ 5 ของเดือน
[activity 1]
th = แต่งตั้งคณะทำงานขับเคลื่อนสำนักงานสีเขียวและประกาศนโยบายสิ่งแวดล้อม
owner = central-admin
due = $(($1 - 544))-11-30
status = done
evidence = GO-$1/plan/1.pdf
[activity 2]
th = อบรมสร้างความรู้เรื่องสำนักงานสีเขียวแก่บุคลากรทุกสำนัก
owner = hrd
due = $(($1 - 543))-03-31
status = done
evidence = GO-$1/plan/2.pdf
[activity 3]
th = รณรงค์ลดการใช้กระดาษ ส่งเอกสารการประชุมทางอิเล็กทรอนิกส์
owner = meetings
due = $(($1 - 543))-06-30
status = done
evidence = GO-$1/plan/3.pdf
[activity 4]
th = ประเมินตนเองตามเกณฑ์สำนักงานสีเขียวครบทุกสำนัก
owner = central-admin
due = $(($1 - 543))-09-15
status = done
evidence = GO-$1/plan/4.pdf
PLAN
}
