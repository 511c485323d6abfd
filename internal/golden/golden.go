// Package golden holds the shapes of the golden contract in testdata/golden:
// requests and answers written from sources independent of this repository,
// read by the SDK's tests and by the emulator's.
package golden

import (
	"encoding/json"
	"time"
)

// V2Requests is testdata/golden/v2/requests.json: the user domain the
// signatures were computed with, the carrier one-tap app's secret, the
// instant the client's clock reads (the one-tap systemtime), and at least
// one case per v2 endpoint.
type V2Requests struct {
	UserDomain       string    `json:"userDomain"`
	UserDomainSecret string    `json:"userDomainSecret"`
	CarrierAppSecret string    `json:"carrierAppSecret"`
	Clock            time.Time `json:"clock"`
	Cases            []V2Case  `json:"cases"`
}

// V2Case is one v2 request as it must appear on the wire, and the file of
// the answer it gets.
type V2Case struct {
	Op            string  `json:"op"`
	Method        string  `json:"method"`
	Form          *string `json:"form"`  // the form body, when the call sends one
	Query         *string `json:"query"` // the URL query, when the call sends one
	Authorization string  `json:"authorization"`
	Answer        string  `json:"answer"`
	// A login names its SDK method and request (by Go field name): a new
	// login needs no test code of its own.
	Call    string          `json:"call,omitempty"`
	Request json.RawMessage `json:"request,omitempty"`
}
