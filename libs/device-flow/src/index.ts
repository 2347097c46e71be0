// The device-flow state machine arrives with the device-flow issue; the lib exists so its
// boundaries are enforced from the start.
export {};
