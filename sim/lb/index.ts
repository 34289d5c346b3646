/** The simulated load balancer in front of mongoses. */
export { LoadBalancerSim } from './load-balancer.js';
export type { LoadBalancerOptions } from './load-balancer.js';
