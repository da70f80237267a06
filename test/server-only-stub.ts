// Tests run outside Next's react-server graph; `server-only` is a no-op there.
export {};
