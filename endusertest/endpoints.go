package endusertest

import (
	"net/http"
	"sort"
	"strings"

	"github.com/seed1804ee03/enduser"
)

// EndpointOIDCDiscovery names the OIDC discovery document
// (GET /oidc/.well-known/openid-configuration) for Inject and Count. Every
// other endpoint is named by the SDK's Op constant: enduser.OpTwitterLogin,
// …, enduser.OpRefreshToken, enduser.OpSignInByMobile, enduser.OpOIDCToken,
// enduser.OpOIDCUserInfo, enduser.OpOIDCRevocation,
// enduser.OpOIDCIntrospection and enduser.OpOIDCKeys.
const EndpointOIDCDiscovery = "oidc/.well-known/openid-configuration"

// family is the wire dialect of an endpoint: it decides the failure shape.
type family int

const (
	familyV2      family = iota // {code, msg, data, extMsg}
	familyGenAuth               // {statusCode, message, apiCode, requestId}
	familyOIDC                  // RFC 6749 {error, error_description}
)

// endpoint is one route of the emulator.
type endpoint struct {
	name    string   // Op name, or one of the Endpoint… constants
	methods []string // accepted methods
	path    string
	family  family
	login   bool // redeems a credential: ForCode applies
	token   bool // presents a token: ForToken applies
	v2      *v2Login
	read    func(s *Server, c *call) // parses the request's parameters
	ident   func(s *Server, c *call) // finds the user, tokens and credential; state.mu held
	serve   func(s *Server, c *call) response
}

const v2Prefix = "/v2/enduser/enduserapi/"

// endpoints lists every route, built fresh for each server.
func endpoints() []*endpoint {
	var eps []*endpoint
	logins := v2LoginTable()
	for i := range logins {
		ep := &logins[i]
		eps = append(eps, &endpoint{
			name: ep.name, methods: []string{http.MethodPost}, path: v2Prefix + ep.name, family: familyV2,
			login: true, v2: ep, read: readV2, ident: identV2Login, serve: serveV2Login,
		})
	}
	eps = append(eps,
		&endpoint{name: enduser.OpRefreshToken, methods: []string{http.MethodPut}, path: v2Prefix + enduser.OpRefreshToken,
			family: familyV2, token: true, read: readV2, ident: identV2Refresh, serve: serveV2Refresh},
		&endpoint{name: enduser.OpUserInfo, methods: []string{http.MethodGet}, path: v2Prefix + enduser.OpUserInfo,
			family: familyV2, token: true, read: readV2, ident: identBearer, serve: serveV2UserInfo},
		&endpoint{name: enduser.OpLogout, methods: []string{http.MethodDelete}, path: v2Prefix + enduser.OpLogout,
			family: familyV2, token: true, read: readV2, ident: identBearer, serve: serveV2Logout},
		&endpoint{name: enduser.OpSignInByMobile, methods: []string{http.MethodPost}, path: "/api/v3/signin-by-mobile",
			family: familyGenAuth, login: true, read: readJSON, ident: identMobile, serve: serveSignInByMobile},
		&endpoint{name: enduser.OpOIDCToken, methods: []string{http.MethodPost}, path: "/" + enduser.OpOIDCToken,
			family: familyOIDC, token: true, read: readOIDCForm, ident: identOIDCForm("refresh_token"), serve: serveOIDCToken},
		&endpoint{name: enduser.OpOIDCUserInfo, methods: []string{http.MethodGet, http.MethodPost}, path: "/" + enduser.OpOIDCUserInfo,
			family: familyOIDC, token: true, read: readOIDCForm, ident: identBearer, serve: serveOIDCUserInfo},
		&endpoint{name: enduser.OpOIDCRevocation, methods: []string{http.MethodPost}, path: "/" + enduser.OpOIDCRevocation,
			family: familyOIDC, token: true, read: readOIDCForm, ident: identOIDCForm("token"), serve: serveOIDCRevocation},
		&endpoint{name: enduser.OpOIDCIntrospection, methods: []string{http.MethodPost}, path: "/" + enduser.OpOIDCIntrospection,
			family: familyOIDC, token: true, read: readOIDCForm, ident: identOIDCForm("token"), serve: serveOIDCIntrospection},
		&endpoint{name: enduser.OpOIDCKeys, methods: []string{http.MethodGet}, path: "/" + enduser.OpOIDCKeys,
			family: familyOIDC, read: readNothing, ident: identNothing, serve: serveJWKS},
		&endpoint{name: EndpointOIDCDiscovery, methods: []string{http.MethodGet}, path: "/" + EndpointOIDCDiscovery,
			family: familyOIDC, read: readNothing, ident: identNothing, serve: serveDiscovery},
	)
	return eps
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.endpoints = map[string]*endpoint{}
	for _, ep := range endpoints() {
		s.endpoints[ep.name] = ep
		for _, m := range ep.methods {
			mux.Handle(m+" "+ep.path, s.handle(ep))
		}
	}
	return mux
}

// Endpoints returns the names Inject and Count accept, sorted.
func (s *Server) Endpoints() []string {
	names := make([]string, 0, len(s.endpoints))
	for name := range s.endpoints {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (s *Server) knownEndpoints() string { return strings.Join(s.Endpoints(), ", ") }
