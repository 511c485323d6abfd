package enduser

// Version is the SDK's semantic version; it is sent in the User-Agent.
const Version = "0.1.0"
