package analysis

import (
	"encoding/json"
	"math"
	"testing"
)

func TestOptFloatJSON(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{1.5, "1.5"}, {0, "0"}, {math.NaN(), "null"}, {math.Inf(1), "null"}, {math.Inf(-1), "null"}} {
		b, err := json.Marshal(OptFloat(tc.in))
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.in, b, err, tc.want)
			continue
		}
		var back OptFloat
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if x := float64(back); !(x == tc.in || math.IsNaN(x) && (math.IsNaN(tc.in) || math.IsInf(tc.in, 0))) {
			t.Errorf("round trip of %v gave %v", tc.in, x)
		}
	}
	var f OptFloat
	if err := json.Unmarshal([]byte(`"x"`), &f); err == nil {
		t.Error("a string decoded as a number")
	}
}
