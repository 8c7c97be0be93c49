// @seclog/http: Request id and trace context middleware for node:http, Express and Fastify
export {};
