/* Starts the vendored Swagger UI on the API's own OpenAPI description (GET /docs). */
window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
