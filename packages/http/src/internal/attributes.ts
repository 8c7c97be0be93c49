// Attribute keys the request context carries. Stable OTel names are spelled out here (as the
// semantic-conventions package does) to keep @seclog/http free of runtime dependencies.

export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method' as const;
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original' as const;
export const ATTR_URL_PATH = 'url.path' as const;
export const ATTR_CLIENT_ADDRESS = 'client.address' as const;
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address' as const;
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original' as const;
/** Set (to `true`) when an incoming request id was rejected and replaced; the value is not kept. */
export const ATTR_SECLOG_REQUEST_ID_REJECTED = 'seclog.request.id_rejected' as const;
