import { LocalTransport } from '../../../src/transport/local.js';
import { describeTransportContract } from './contract.js';

describeTransportContract('LocalTransport', async () => new LocalTransport('controller'));
