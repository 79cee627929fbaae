package main

import (
	"fmt"
	"strings"
)

// The providers backupctl knows, in the order inventory lists them.
const (
	providerOnApp       = "onapp"
	providerErigones    = "erigones"
	providerUnitrends   = "unitrends"
	providerCloudBackup = "cloudbackup"
)

// providers is every provider, in inventory order.
var providers = [...]string{providerOnApp, providerErigones, providerUnitrends, providerCloudBackup}

// secret is a credential. It prints as REDACTED in every fmt verb and in
// JSON, so an account can be logged or shown in an error without leaking;
// reveal gives the text to the one place that needs it (the client option).
type secret string

// String hides the secret.
func (secret) String() string { return "REDACTED" }

// GoString hides the secret from %#v.
func (secret) GoString() string { return "REDACTED" }

// MarshalText hides the secret from encoders.
func (secret) MarshalText() ([]byte, error) { return []byte("REDACTED"), nil }

// reveal returns the credential's text.
func (s secret) reveal() string { return string(s) }

// account says where one provider's API is and how to log in to it: one
// per provider read from the environment by accountFromEnv, or any number
// read from a -config file by loadFleet. URL "" means the built-in fake.
type account struct {
	// Name names the account in messages and output; "" for the
	// environment's.
	Name string
	// Provider is one of providers.
	Provider string
	// URL is the control panel, API root, appliance or CBR endpoint; ""
	// starts the provider's built-in fake.
	URL string

	// User and Password log in (OnApp basic auth, an Erigones login,
	// a Unitrends session, an IAM user for CBR).
	User     string
	Password secret
	// APIKey is an OnApp API key (in place of the password) or an Erigones
	// API key.
	APIKey secret

	// DC is the Erigones virtual datacenter ("" for the user's current one).
	DC string

	// CAFile is a PEM file with the Unitrends appliance's certificate;
	// Insecure turns certificate verification off (lab appliances only).
	CAFile   string
	Insecure bool
	// TimeZone is the Unitrends appliance's IANA time zone, in which it
	// prints times ("" for UTC).
	TimeZone string

	// ProjectID is the CBR project; Token a ready IAM token; AccessKey and
	// SecretKey an AK/SK pair; IAMEndpoint and Domain, with User and
	// Password, an IAM login.
	ProjectID   string
	Token       secret
	AccessKey   string
	SecretKey   secret
	IAMEndpoint string
	Domain      string

	// Demo marks the account of a built-in fake: what it answers is demo
	// data, and every row read from it says so.
	Demo bool

	// configPath is the -config file the account comes from; "" for the
	// environment's.
	configPath string
}

// setting names a setting of the account in messages: the environment
// variable, or the field of the -config file.
func (a *account) setting(envVar, field string) string {
	if a.configPath != "" {
		return field
	}
	return envVar
}

// displayName is the account's name in output: its name, or for the
// environment's account its provider.
func (a *account) displayName() string {
	if a.Name == "" {
		return a.Provider
	}
	return a.Name
}

// label names the account in messages: its provider, and its name when it
// has one ("onapp", "onapp (eu-cloud)").
func (a *account) label() string {
	if a.Name == "" || a.Name == a.Provider {
		return a.Provider
	}
	return a.Provider + " (" + a.Name + ")"
}

// urlVar is the environment variable naming the provider's URL or endpoint.
func urlVar(provider string) string {
	switch provider {
	case providerOnApp:
		return "ONAPP_URL"
	case providerErigones:
		return "ERIGONES_URL"
	case providerUnitrends:
		return "UNITRENDS_URL"
	default:
		return "CBR_ENDPOINT"
	}
}

// accountFromEnv reads the account of provider from the environment (the
// variables envHelp lists). An unset URL gives an account for the built-in
// fake; a URL without usable credentials is an error that names the
// variables to set, never their values.
func accountFromEnv(provider string, getenv func(string) string) (*account, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	a := &account{Provider: provider, URL: get(urlVar(provider))}
	switch provider {
	case providerOnApp:
		if a.URL == "" {
			return a, nil
		}
		a.User, a.Password, a.APIKey = get("ONAPP_USER"), secret(getenv("ONAPP_PASSWORD")), secret(getenv("ONAPP_API_KEY"))
		if a.User == "" || (a.Password == "" && a.APIKey == "") {
			return nil, missing(a, "ONAPP_USER and ONAPP_PASSWORD (or ONAPP_API_KEY)")
		}
	case providerErigones:
		a.DC = get("ERIGONES_DC")
		if a.URL == "" {
			return a, nil
		}
		a.APIKey = secret(getenv("ERIGONES_API_KEY"))
		a.User, a.Password = get("ERIGONES_USER"), secret(getenv("ERIGONES_PASSWORD"))
		switch {
		case a.APIKey != "" && (a.User != "" || a.Password != ""):
			return nil, fmt.Errorf("%s: set either ERIGONES_API_KEY or ERIGONES_USER and ERIGONES_PASSWORD, not both", provider)
		case a.APIKey == "" && (a.User == "" || a.Password == ""):
			return nil, missing(a, "ERIGONES_API_KEY (or ERIGONES_USER and ERIGONES_PASSWORD)")
		}
	case providerUnitrends:
		if a.URL == "" {
			return a, nil
		}
		a.User, a.Password = get("UNITRENDS_USER"), secret(getenv("UNITRENDS_PASSWORD"))
		a.CAFile, a.TimeZone = get("UNITRENDS_CA_FILE"), get("UNITRENDS_TZ")
		switch v := get("UNITRENDS_INSECURE"); v {
		case "", "0", "false":
		case "1", "true":
			a.Insecure = true
		default:
			return nil, fmt.Errorf("%s: UNITRENDS_INSECURE must be 1 or unset, not %q", provider, v)
		}
		if a.User == "" || a.Password == "" {
			return nil, missing(a, "UNITRENDS_USER and UNITRENDS_PASSWORD")
		}
		if a.Insecure && a.CAFile != "" {
			return nil, fmt.Errorf("%s: set UNITRENDS_CA_FILE or UNITRENDS_INSECURE=1, not both", provider)
		}
	case providerCloudBackup:
		if a.URL == "" {
			return a, nil
		}
		a.ProjectID = get("CBR_PROJECT_ID")
		a.Token = secret(getenv("CBR_TOKEN"))
		a.AccessKey, a.SecretKey = get("CBR_AK"), secret(getenv("CBR_SK"))
		a.IAMEndpoint, a.User, a.Password, a.Domain = get("CBR_IAM_ENDPOINT"), get("CBR_USER"), secret(getenv("CBR_PASSWORD")), get("CBR_DOMAIN")
		if a.ProjectID == "" {
			return nil, fmt.Errorf("%s: CBR_ENDPOINT is set but CBR_PROJECT_ID is not: set it (or unset CBR_ENDPOINT)", provider)
		}
		kinds := 0
		if a.Token != "" {
			kinds++
		}
		if a.AccessKey != "" || a.SecretKey != "" {
			kinds++
			if a.AccessKey == "" || a.SecretKey == "" {
				return nil, fmt.Errorf("%s: CBR_AK and CBR_SK go together: set both", provider)
			}
		}
		if a.IAMEndpoint != "" || a.User != "" || a.Password != "" || a.Domain != "" {
			kinds++
			if a.IAMEndpoint == "" || a.User == "" || a.Password == "" || a.Domain == "" {
				return nil, fmt.Errorf("%s: an IAM login needs all of CBR_IAM_ENDPOINT, CBR_USER, CBR_PASSWORD and CBR_DOMAIN", provider)
			}
		}
		switch kinds {
		case 0:
			return nil, missing(a, "one of CBR_TOKEN, CBR_AK and CBR_SK, or CBR_IAM_ENDPOINT, CBR_USER, CBR_PASSWORD and CBR_DOMAIN")
		case 1:
		default:
			return nil, fmt.Errorf("%s: set one kind of credentials: CBR_TOKEN, CBR_AK and CBR_SK, or an IAM login (CBR_IAM_ENDPOINT …), not several", provider)
		}
	default:
		return nil, fmt.Errorf("unknown provider %q", provider)
	}
	return a, nil
}

// missing is the error of an account whose URL is set but whose
// credentials are not. It names the variables, never their values.
func missing(a *account, vars string) error {
	return fmt.Errorf("%s: %s is set but the credentials are not: set %s (or unset %s)",
		a.label(), urlVar(a.Provider), vars, urlVar(a.Provider))
}
