// The OTel attribute keys the request context carries, spelled out (as the semantic-conventions
// package does); seclog's own keys come from @seclog/semconv.

export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method' as const;
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original' as const;
export const ATTR_URL_PATH = 'url.path' as const;
export const ATTR_CLIENT_ADDRESS = 'client.address' as const;
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address' as const;
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original' as const;
