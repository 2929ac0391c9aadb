package mail

// SecretTemplates is secretTemplates, for the test that keeps it complete.
var SecretTemplates = secretTemplates
