package core

// SMS encodings.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// gsm7Basic is the GSM 03.38 default alphabet (one septet each); the
// escape code 0x1B is left out, it is not a character.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Extension are the characters of the default extension table: an
// escape septet plus one, so two septets each.
const gsm7Extension = "\f^{}\\[~]|€"

var gsm7Septets = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsm7Basic {
		m[r] = 1
	}
	for _, r := range gsm7Extension {
		m[r] = 2
	}
	return m
}()

// SMSSegments tells how a text is sent: GSM-7 when every character is in
// the GSM 03.38 alphabet or its extension table (extension characters take
// two septets), else UCS-2 (UTF-16 code units: characters outside the BMP,
// such as emoji, take two). One message holds 160 septets or 70 units; a
// longer text is split into parts of 153 septets or 67 units (the rest
// carries the concatenation header), and a part never splits an escape
// sequence or a surrogate pair, which then starts the next part. An empty
// text is one segment.
func SMSSegments(body string) (encoding string, segments int) {
	encoding = EncodingGSM7
	single, multi := 160, 153
	var widths []int
	for _, r := range body {
		w, ok := gsm7Septets[r]
		if !ok {
			encoding, single, multi = EncodingUCS2, 70, 67
			break
		}
		widths = append(widths, w)
	}
	if encoding == EncodingUCS2 {
		widths = widths[:0]
		for _, r := range body {
			if r > 0xFFFF {
				widths = append(widths, 2)
			} else {
				widths = append(widths, 1)
			}
		}
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	if total <= single {
		return encoding, 1
	}
	segments, used := 1, 0
	for _, w := range widths {
		if used+w > multi {
			segments, used = segments+1, 0
		}
		used += w
	}
	return encoding, segments
}
