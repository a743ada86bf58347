/**
 * SessionDescriptionHandlerModifer functions for web browsers.
 * @packageDocumentation
 */
export * from "./modifiers.js";
