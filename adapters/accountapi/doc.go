// Package accountapi is the HTTP API of the account flows — register,
// log in, refresh, log out, cookie sessions, change the password, second
// factors (TOTP, recovery codes, passkeys), API keys, and who am I — ready to mount in net/http, Gin or Fiber, so that an
// application does not write these handlers again.
//
// To accept logins in an application, build an API from the account
// service and mount its routes with the application's adapter:
//
//	api, err := accountapi.New(accountapi.Config{Accounts: accounts, Users: directory, Engine: engine})
//	mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: api.PublicPaths(), // login, registration, refresh: no credentials needed
//	}})
//	mw.Mount(mux, api.Routes()...)
//
// Package stack builds all of it, the API included, from one database.
//
// The routes, their JSON and their answers:
//
//	POST   /auth/register  {"email","password","name"}     201 {"id","email","name"}; 409 conflict when the email has an account
//	POST   /auth/login     {"email","password"}            200 {"access_token","refresh_token","token_type","expires_in"},
//	                                                       or, with a second factor, 200 {"mfa_required","mfa_token","methods","expires_in"}
//	POST   /auth/mfa       {"mfa_token","code"|"recovery_code"|"passkey"} 200 the token pair (with second factors configured);
//	                                                       "passkey" is {"ceremony_id","credential"}, answering /auth/mfa/challenge
//	POST   /auth/mfa/challenge {"mfa_token","method":"passkey"} 200 {"ceremony_id","publicKey"}; the MFA token is not spent
//	POST   /auth/session/mfa  as /auth/mfa                 200 {"csrf_token"} and the session cookie
//	POST   /auth/passkey/options                           200 {"ceremony_id","publicKey"} for navigator.credentials.get (with Passkeys)
//	POST   /auth/passkey   {"ceremony_id","credential"}    200 the token pair of the passkey's owner
//	POST   /auth/session/passkey {"ceremony_id","credential"} 200 {"csrf_token"} and the session cookie
//	POST   /auth/refresh   {"refresh_token"}               200 a new pair; the old refresh token dies, and reusing it kills its family
//	POST   /auth/logout    {"refresh_token"} (optional)    204; the bearer token of the request dies, and the refresh token's family
//	POST   /auth/session   {"email","password"}            200 {"csrf_token"} and the session cookie
//	GET    /auth/session                                   200 {"csrf_token"} of the session's cookie
//	DELETE /auth/session                                   204; the session ends and its cookie is cleared
//	GET    /me                                             200 {"id","email","name","roles","permissions"}
//	POST   /me/password    {"current_password","new_password"}  204; every credential the caller held dies
//	POST   /me/mfa/totp    {"code"} (to replace an active one)  201 {"secret","otpauth_url","qr_code_png"}, inactive until confirmed
//	POST   /me/mfa/totp/confirm {"code"}                   200 {"recovery_codes":[…]}, shown once; 400 for a wrong code
//	DELETE /me/mfa/totp    {"code"}                        204
//	POST   /me/passkeys/options                            200 {"ceremony_id","publicKey"} for navigator.credentials.create
//	POST   /me/passkeys    {"ceremony_id","credential","name"} 201 the passkey (and "recovery_codes" when the account had none)
//	GET    /me/passkeys                                    200 {"passkeys":[…]} without their keys
//	DELETE /me/passkeys/{id}                               204
//	POST   /api-keys       {"name"}                        201 {"id","name","key"}: the key, shown this once
//	GET    /api-keys                                       200 {"api_keys":[…]} without the secrets
//	DELETE /api-keys/{id}                                  204; the owner's, or anyone's with users:write
//
// Errors are the JSON of package guard, {"error": code, "message": text}:
// invalid_request 400 (malformed JSON, unknown or repeated fields, a weak
// password), invalid_credentials 401 (one body for an unknown email and a
// wrong password; 403 for a wrong current password on /me/password),
// too_many_requests 429 with Retry-After (five failed logins for one email
// in 15 minutes, or password hashing saturated), unsupported_media_type
// 415 (a body not declared as JSON), payload_too_large 413. Every answer
// carries Cache-Control: no-store.
//
// Changing second factors (the /me/mfa and /me/passkeys writes) needs a
// login of the last 15 minutes (401 insufficient_user_authentication with
// max_age otherwise) and, on an account that has a second factor, a login
// that proved it (the same 401 with acr_values aal2).
//
// Registration answers 409 for an email that has an account, so it tells
// anyone whether an address is registered, although login is careful not to.
// An application that must not reveal its users leaves the route out and
// registers with account.Service.SignUp, which answers alike either way and
// mails the address's owner.
package accountapi
