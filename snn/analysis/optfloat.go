package analysis

import (
	"encoding/json"
	"math"
)

// OptFloat is a measure that may be undefined: a float64 that is encoded in JSON as null when
// it is NaN or infinite (an error measure that could not be computed, a period without cycles)
// and decoded from null as NaN. It is the one NaN-as-null number of gosnn's reports (read-out
// reports, protocol state files, experiment results).
type OptFloat float64

// MarshalJSON implements json.Marshaler.
func (f OptFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *OptFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = OptFloat(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}
